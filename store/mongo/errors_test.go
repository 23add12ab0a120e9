package mongo

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

func errNoDocs() error { return mongo.ErrNoDocuments }

// dupKeyErr is what the server answers when a unique index rejects a write (code 11000).
func dupKeyErr() error {
	return mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key error"}}}
}

func marshalRaw(v any) (bson.Raw, error) {
	b, err := bson.Marshal(v)
	return bson.Raw(b), err
}

func mustUTC(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
