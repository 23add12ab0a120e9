package classify

import (
	"fmt"
	"os"
	"testing"
)

// crossValidate measures a classifier built by build on k folds of the training part:
// each fold is classified by a model trained on the others. This is how the model's
// settings (smoothing, title weight, presence features, temperature, keywordFallback)
// were chosen; the held-out part is never used for that.
func crossValidate(items []CorpusItem, k int, build func([]Example) *Classifier) Metrics {
	var sum Metrics
	for fold := 0; fold < k; fold++ {
		var train []Example
		var test []CorpusItem
		for i, it := range items {
			if i%k == fold {
				test = append(test, it)
			} else {
				train = append(train, it.Example())
			}
		}
		m := Evaluate(build(train), test)
		for i := range sum.Confusion {
			for j := range sum.Confusion[i] {
				sum.Confusion[i][j] += m.Confusion[i][j]
			}
		}
	}
	return metricsOf(sum.Confusion)
}

// TestCrossValidation reports 5-fold cross-validation on the training part (set
// TINTOT_CV=1; it only logs).
func TestCrossValidation(t *testing.T) {
	if os.Getenv("TINTOT_CV") == "" {
		t.Skip("set TINTOT_CV=1 to cross-validate on the training part")
	}
	items := TrainingCorpus()
	if os.Getenv("TINTOT_CV_LR") != "" {
		logistic = true
		defer func() { logistic = false }()
		fmt.Sscan(os.Getenv("TINTOT_CV_LR"), &lrLambda, &lrEpochs, &lrStep, &lrTemp)
	}
	if v := os.Getenv("TINTOT_CV_BIAS"); v != "" {
		fmt.Sscan(v, &kindBias[0], &kindBias[1], &kindBias[2], &kindBias[3])
		defer func(b [nKinds]float64) { kindBias = b }(kindBias)
	}
	m := crossValidate(items, 5, func(ex []Example) *Classifier {
		c, err := New(DefaultRules(), WithModel(Train(ex), DefaultReviewConfidence))
		if err != nil {
			t.Fatal(err)
		}
		return c
	})
	t.Logf("5-fold cross-validation on %d training posts:\n%s", len(items), FormatMetrics(m))
}
