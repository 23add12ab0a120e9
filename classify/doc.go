// Package classify decides what a post is for the campaign "Mỗi ngày một tin tốt, mỗi
// tuần một câu chuyện đẹp": good news (tin tốt), a beautiful story (câu chuyện đẹp), an
// ideology article (đấu tranh phản bác, bảo vệ nền tảng tư tưởng của Đảng) or other.
//
// Rules are data: a default set is embedded (default_rules.yaml) and the `rules:` section
// of the config file adds to it, replaces it, disables single patterns, gives feeds a
// default kind and gives single units extra rules (RulesFromYAML). Text is matched after
// Normalize (NFC, lower case, diacritics folded, đ→d); hashtags and categories after
// NormalizeTag, which also ignores '_', '-' and spaces, so #MỗiNgàyMộtTinTốt,
// #moingaymottintot and #Mỗi_ngày_một_tin_tốt are one tag. HTML tags and entities in
// titles and summaries are removed first.
//
// # Precedence
//
// Levels are tried in this order; the first level with any match decides:
//
//  1. hashtags in the title, the summary (RSS-Bridge cuts Facebook titles at 100
//     characters, so tags often survive only there) or a category written as a hashtag;
//  2. feed categories ("Tin tốt", "Câu chuyện đẹp", "Gương người tốt việc tốt", …);
//  3. URL patterns (a substring of the link not followed by a letter, digit or '-');
//  4. title prefixes: the words a title starts with ("Hội nghị", "Thông báo", "Kế hoạch"
//     mark administrative posts as other, even when they name a campaign or a keyword);
//  5. the feed's default kind (models.Feed.DefaultKind, else the rules' feed list);
//  6. the learned model (Model, below), with a confidence; when it is less than
//     keywordFallback (0.5) sure, a keyword of the title, else of the summary, decides
//     instead; with no evidence at all, other, "không khớp quy tắc nào".
//
// Without a model (New without WithModel) levels 5 and 6 are the keywords in the title,
// then in the summary, then the feed's default kind, then other.
//
// What the post's author chose explicitly (a tag, a section of the site) wins over what
// the text happens to contain; a feed default only fills in for posts nothing else
// recognises.
//
// Within one level, when rules of several kinds match, the most specific kind wins:
// ideology > story > good_news > other. A story also counts toward the daily good-news
// quota, so choosing story loses nothing for the day and credits the week. Keywords are
// matched whole-word and leftmost-longest: a keyword inside a longer matched keyword does
// not count, so the campaign phrase "Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp"
// is one good-news match and not also "câu chuyện đẹp" (story). A unit's extra rules
// join the global ones at the same levels and replace a global rule with the same pattern.
//
// Every decision comes with a Vietnamese reason naming the rule, e.g. `hashtag
// #cauchuyendep`, `chuyên mục "Tin tốt"`, `từ khoá tiêu đề "đấu tranh phản bác"`,
// `tiêu đề bắt đầu bằng "Hội nghị"`, `mặc định của nguồn tin: Tin tốt`,
// `không khớp quy tắc nào`. Rules from a unit's own list end in "(quy tắc riêng của đơn vị)".
//
// Title prefixes also name the people profiles open with ("Cô giáo", "Ông lão",
// "Chú bộ đội", …: story) and the way rebuttals are titled ("Sự thật về": ideology).
//
// # The model
//
// Model is a multinomial logistic regression over the syllables of the title and lead
// (unigrams and bigrams, both as written and with diacritics folded; title features
// count twice; each feature once per post, the post's vector scaled to unit length),
// fitted by AdaGrad with a small L2 penalty from naive Bayes counts of the same features.
// It is trained at start from the corpus
// embedded in the binary (corpus/train.tsv: real posts written by others — Đoàn unit
// sites, provincial and youth newspapers — each with its source URL, its kind and a short
// reason) plus every post a person of this installation gave a kind (a reviewer's or
// admin's override, an approved proposal, a decision on /check), and refitted every night
// and by `tintot classify retrain`. Its confidence is the softmax probability of its kind; posts it is less than
// DefaultReviewConfidence (0.6) sure of are listed for reviewers on /check, and the reason
// reads "mô hình: câu chuyện đẹp (0,87); từ: «…»" with the words that weighed most.
//
// # Measured
//
// The corpus has 1,553 posts from 6 labelling passes (URLs found twice kept once). A fixed
// quarter of the first five passes by URL hash (corpus/heldout.tsv, 258 posts) is held
// out: never trained on, never used to choose a setting. The sixth pass (433 posts of
// the hard kinds: portraits and narratives with no trigger word, festive good news,
// scholarship and award news, administrative posts that mention volunteering, rebuttals)
// went to training only, so the held-out part stayed the same. The model and its
// settings were chosen by 5-fold cross-validation on the 1,295 training posts
// (TINTOT_CV=1 go test -run TestCrossValidation): naive Bayes 0.866 accuracy (of the
// posts counted for the day 0.903 really good news or stories), logistic regression
// 0.881 (0.920), story recall 0.898 → 0.904, ideology precision 0.910 → 0.959.
//
// On the held-out part (TestHeldOutCorpus), rules alone, rules with the naive Bayes model
// of the same corpus, and rules with the logistic regression (the default):
//
//	                      rules           + naive Bayes   + logistic regression
//	accuracy              0.655           0.857           0.853
//	good news  P / R      0.727 / 0.577   0.869 / 0.887   0.883 / 0.856
//	story      P / R      0.689 / 0.525   0.758 / 0.847   0.765 / 0.881
//	ideology   P / R      0.786 / 0.957   0.913 / 0.913   0.909 / 0.870
//	other      P / R      0.556 / 0.759   0.914 / 0.810   0.878 / 0.823
//	counted for the day: really good news or story 0.869 / 0.915 / 0.920;
//	of those, counted 0.679 / 0.968 / 0.955
//
//	confusion (rules + logistic regression)   good_news  story  ideology  other
//	good_news (97)                                   83      9         1      4
//	story (59)                                        5     52         0      2
//	ideology (23)                                     0      0        20      3
//	other (79)                                        6      7         1     65
//
// The cross-validation gain did not carry over to the held-out part: its 258 posts move
// by about two points for one post in fifty, and both models are within that of each
// other. The errors left are mostly on the story/good-news boundary (a charity
// initiative told through its founder, a scholarship told through one recipient) and
// "other" posts read as good news or stories (plans, contest rules, essays about youth,
// accident reports told as stories). With the first five passes only (862 training
// posts, naive Bayes) the held-out accuracy was 0.864. On the older sets written for
// the rules (testdata/*.tsv: eval, holdout, holdout2) the rules with the logistic
// regression score 0.939, 0.926 and 0.942, with naive Bayes 0.921, 0.963 and 0.950, the
// rules alone 0.89 to 0.93 (holdout2.tsv: 0.79).
//
// Reclassify re-applies the rules to stored posts that have no manual override.
package classify
