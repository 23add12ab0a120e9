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
// The model of the corpus embedded in the binary (corpus/train.tsv: real posts written by
// others — Đoàn unit sites, provincial and youth newspapers — each with its source URL,
// its kind and a short reason) is fitted by `go generate ./classify` and embedded too
// (model.bin.gz; TestEmbeddedModelIsCurrent fails when it no longer matches the corpus),
// so an installation without reviewers' decisions starts classifying without a fit. Once
// a person of this installation has given posts a kind (a reviewer's or admin's override,
// an approved proposal, a decision on /check), the model is fitted at start on the corpus
// plus those posts, refitted every night and by `tintot classify retrain`. Its confidence
// is the softmax probability of its kind; posts it is less than DefaultReviewConfidence
// (0.6) sure of are listed for reviewers on /check, and the reason reads "mô hình: câu
// chuyện đẹp (0,87); từ: «…»" with the words that weighed most.
//
// # Measured
//
// The corpus has 2,987 posts from 11 labelling passes (URLs and titles found twice kept
// once). The held-out part (corpus/heldout.tsv, 616 posts) is a fixed quarter by URL hash
// of passes 1–5 (258 posts), 7 (115), 8 (105), 9 (76), 10 (24) and 11 (38); it is never
// trained on and never used to choose a setting. Pass 6 (433 posts of the hard kinds: portraits and
// narratives with no trigger word, festive good news, scholarship and award news,
// administrative posts that mention volunteering, rebuttals) went to training only.
// Passes 7, 8 and 9 (456, 432 and 302 posts, eleven searches of the boundaries: stories
// against event news, Đoàn-site news against plans and notices, press "other" told
// through people against stories, ideology against political news, the daily stream of
// Đoàn unit and school pages, campaign and festive posts, provincial papers' local news)
// were labelled twice, the second time blind: the two labels agreed on 443 of 461, 427
// of 443 and 296 of 316 posts (0.96, 0.96, 0.94); of the 54 disagreements 24 were
// settled on reading the post and 30 dropped. Pass 10 (115 posts of the same boundaries:
// contest launches and rules against contests held, award ceremonies against the story of
// one honouree, appeals and accidents told through a family, rebuttals) was labelled,
// then labelled again from title and lead with the first label out of view by the same
// labeller (204 of 207 agreed; 2 settled, 1 dropped): a re-reading, not an independent
// second label. Its 91 other posts, whose stored page text had no title, were left out
// rather than given a title rebuilt from their address. Pass 11 (129 posts: the daily
// stream of Đoàn unit, school and provincial pages, and the same boundaries; 3 more
// whose titles were already in the corpus left out) was labelled the same way (129 of
// 133 agreed; 3 settled, 1 dropped), titles only as the pages give them.
//
// The model and its settings were chosen by 5-fold cross-validation on the training part
// only (TINTOT_CV=1 go test -run TestCrossValidation): on 2,371 training posts accuracy
// 0.879, of the posts counted for the day 0.922 really good news or stories, story
// precision / recall 0.852 / 0.907 (on 2,189 posts: 0.874, 0.916, 0.850 / 0.892). A grid of the L2 penalty, epochs and step, a shared
// token for numbers, title-opening features and reading 150 to 500 characters found
// nothing better than the settings kept (on 1,636 posts); on 2,189 posts, syllable
// trigrams (0.877) and averaging the naive Bayes and logistic probabilities (0.873–0.877
// for weights 0.4–0.8) did not move it beyond noise either, so the model stays as it is.
// Nor did, on 2,189 posts and on a second split of the folds by URL hash (each within
// ±0.006, the difference between the two splits): separate title features, character
// 3–5-grams, class weights or other per-kind biases, an ensemble with a hinge-loss
// model, or leaving out any level of the rules (the title openings and the keyword
// fallback under 0.5 are each right more often than the model on the posts they decide).
// Training on 40, 60 and 80 % of the training folds gave 0.84, 0.86 and 0.87: more
// labelled posts are what still helps, slowly.
// Title openings of official letters and documents ("V/v", "Thể lệ", "Hội thảo"…),
// all 'other' in the training part, became rules: 0.874 → 0.876, daily 0.916 → 0.919.
// A bias of -0.2 on story's score
// (kindBias) balances story precision and recall, both of which the campaign needs: at
// 0 they were 0.840 / 0.906 on 2,189 posts (0.838 / 0.906 on 1,963, 0.835 / 0.906 on
// 1,636), and -0.2 gave the best or equal best accuracy of -0.3 to 0 each time.
//
// On the held-out part (TestHeldOutCorpus), rules alone and rules with the model:
//
//	                      all 616 held out
//	                      rules           + model
//	accuracy              0.679           0.873
//	good news  P / R      0.729 / 0.586   0.874 / 0.882
//	story      P / R      0.748 / 0.568   0.841 / 0.904
//	ideology   P / R      0.809 / 0.932   0.948 / 0.932
//	other      P / R      0.581 / 0.791   0.877 / 0.822
//	counted for the day: really good news or story 0.878 / 0.913; of those, counted
//	0.691 / 0.945
//
//	confusion (rules + model, all 616)        good_news  story  ideology  other
//	good_news (220)                                 194     12         1     13
//	story (146)                                       8    132         0      6
//	ideology (59)                                     0      1        55      3
//	other (191)                                      20     12         2    157
//
// By part: passes 1–5 (258 posts, held out since the corpus began) 0.860 (the model of
// 862 posts scored 0.864, of 1,295 posts 0.853, of 1,636 posts 0.860, of 1,963 posts
// 0.872, of 2,189 posts 0.857, of 2,280 posts 0.853); passes 1–8 (478) 0.866 (0.870 with
// the model of 1,963 posts); pass 9 (76) 0.921 (0.868); pass 10 (24) 0.875; pass 11 (38)
// 0.868. Each pass of searched data has moved the older parts by a post or two either
// way. With the model, 93 % of the held-out posts are decided by a rule or with
// confidence 0.6 or more, and 0.899 of those are right (of those counted for the day,
// 0.938 really are); the other 7 % go to reviewers on /check.
//
// The errors left are mostly "other" posts read as good news or stories (appeals for a
// poor family, accidents told through a person, plans and reviews that list results) and
// the story/good-news boundary (a deed reported in a few lines, an award given to one
// rescuer). On the older sets written for the rules (testdata/*.tsv: eval, holdout,
// holdout2) the rules alone score 0.974, 1.000 and 0.792 (TestEvaluationSet,
// TestHoldoutSet, TestHoldout2Set).
//
// Reclassify re-applies the rules to stored posts that have no manual override.
package classify
