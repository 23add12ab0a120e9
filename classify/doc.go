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
// Model is a multinomial naive Bayes classifier over the syllables of the title and lead
// (unigrams and bigrams, both as written and with diacritics folded; title features
// count twice; each feature once per post). It is trained at start from the corpus
// embedded in the binary (corpus/train.tsv: real posts written by others — Đoàn unit
// sites, provincial and youth newspapers — each with its source URL, its kind and a short
// reason) plus every post a person of this installation gave a kind (a reviewer's or
// admin's override, an approved proposal, a decision on /check), and refitted every night
// and by `tintot classify retrain`. Its confidence is the posterior of its kind, with a
// temperature calibrated by cross-validation on the training part; posts it is less than
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
// went to training only, so the held-out part stayed the same. The settings were chosen
// by 5-fold cross-validation on the 1,295 training posts (TINTOT_CV=1 go test -run
// TestCrossValidation): accuracy 0.866, of the posts counted for the day 0.903 really
// good news or stories, 0.977 of those counted.
//
// On the held-out part (TestHeldOutCorpus), rules alone against rules with the model:
//
//	                      rules           rules + model
//	accuracy              0.655           0.857
//	good news  P / R      0.727 / 0.577   0.869 / 0.887
//	story      P / R      0.689 / 0.525   0.758 / 0.847
//	ideology   P / R      0.786 / 0.957   0.913 / 0.913
//	other      P / R      0.556 / 0.759   0.914 / 0.810
//	counted for the day: really good news or story 0.869 → 0.915; of those, counted 0.679 → 0.968
//
//	confusion (rules + model)   good_news  story  ideology  other
//	good_news (97)                     86      9         1      1
//	story (59)                          6     50         0      3
//	ideology (23)                       0      0        21      2
//	other (79)                          7      7         1     64
//
// The errors left are mostly on the story/good-news boundary (a charity initiative told
// through its founder, a scholarship told through one recipient) and "other" posts read
// as good news or stories (plans, contest rules, essays about youth, accident reports
// told as stories). With the first five passes only (862 training posts, smoothing 0.5,
// title weight 3) the held-out accuracy was 0.864, good news recall 0.907, story recall
// 0.831, daily precision 0.915: the sixth pass moved the held-out figures by a few posts
// either way. On the older sets written for the rules (testdata/*.tsv) the rules with
// the model score 0.92 to 0.96, up from 0.89 to 0.93 (holdout2.tsv: the rules alone 0.79).
//
// Reclassify re-applies the rules to stored posts that have no manual override.
package classify
