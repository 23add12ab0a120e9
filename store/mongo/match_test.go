package mongo

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// This file holds a small evaluator of the MongoDB query operators this package uses
// ($or, $and, $in, $ne, $lt, $lte, $gt, $gte, equality with null meaning "missing",
// dotted paths, anchored regex), so filters can be checked against documents without a
// server. The contract suite checks the same behaviour against a real server.

// normalize sends v through BSON so documents and filters compare with the same types.
func normalize(t *testing.T, v any) bson.D {
	t.Helper()
	b, err := bson.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	var d bson.D
	if err := bson.Unmarshal(b, &d); err != nil {
		t.Fatalf("unmarshal %T: %v", v, err)
	}
	return d
}

// matches reports whether doc satisfies filter.
func matches(t *testing.T, filter bson.D, doc any) bool {
	t.Helper()
	return matchDoc(t, normalize(t, filter), normalize(t, doc))
}

func lookup(doc bson.D, path []string) (any, bool) {
	for _, e := range doc {
		if e.Key != path[0] {
			continue
		}
		if len(path) == 1 {
			return e.Value, true
		}
		sub, ok := e.Value.(bson.D)
		if !ok {
			return nil, false
		}
		return lookup(sub, path[1:])
	}
	return nil, false
}

func matchDoc(t *testing.T, filter, doc bson.D) bool {
	for _, e := range filter {
		switch e.Key {
		case "$or", "$and":
			arr, _ := e.Value.(bson.A)
			any, all := false, true
			for _, sub := range arr {
				m := matchDoc(t, sub.(bson.D), doc)
				any, all = any || m, all && m
			}
			if (e.Key == "$or" && !any) || (e.Key == "$and" && !all) {
				return false
			}
		default:
			v, present := lookup(doc, strings.Split(e.Key, "."))
			if !matchValue(t, e.Value, v, present) {
				return false
			}
		}
	}
	return true
}

func matchValue(t *testing.T, cond, v any, present bool) bool {
	if ops, ok := cond.(bson.D); ok && len(ops) > 0 && strings.HasPrefix(ops[0].Key, "$") {
		for _, op := range ops {
			if !matchOp(t, op.Key, op.Value, v, present) {
				return false
			}
		}
		return true
	}
	return equal(cond, v, present)
}

func equal(cond, v any, present bool) bool {
	if cond == nil {
		return !present || v == nil
	}
	if !present {
		return false
	}
	if re, ok := cond.(bson.Regex); ok {
		s, ok := v.(string)
		return ok && regexp.MustCompile(re.Pattern).MatchString(s)
	}
	if arr, ok := v.(bson.A); ok {
		for _, x := range arr {
			if compare(x, cond) == 0 {
				return true
			}
		}
		return false
	}
	return compare(v, cond) == 0
}

func matchOp(t *testing.T, op string, arg, v any, present bool) bool {
	switch op {
	case "$in":
		for _, x := range arg.(bson.A) {
			if equal(x, v, present) {
				return true
			}
		}
		return false
	case "$ne":
		return !equal(arg, v, present)
	case "$lt", "$lte", "$gt", "$gte":
		if !present || v == nil {
			return false
		}
		c := compare(v, arg)
		if c == -2 {
			return false
		}
		return map[string]bool{"$lt": c < 0, "$lte": c <= 0, "$gt": c > 0, "$gte": c >= 0}[op]
	}
	t.Fatalf("operator %s not supported by the test evaluator", op)
	return false
}

// compare returns -1, 0, 1, or -2 when the types differ.
func compare(a, b any) int {
	sign := func(x, y int64) int {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return -2
		}
		return strings.Compare(x, y)
	case bson.DateTime:
		y, ok := b.(bson.DateTime)
		if !ok {
			return -2
		}
		return sign(int64(x), int64(y))
	case int32, int64:
		xi, yi := toInt(x), toInt(b)
		if yi == nil {
			return -2
		}
		return sign(*xi, *yi)
	case bool:
		if y, ok := b.(bool); ok && x == y {
			return 0
		}
		return -2
	}
	if fmt.Sprint(a) == fmt.Sprint(b) {
		return 0
	}
	return -2
}

func toInt(v any) *int64 {
	switch x := v.(type) {
	case int32:
		n := int64(x)
		return &n
	case int64:
		return &x
	}
	return nil
}
