package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Tickets make a conditional update exclusive on servers whose updates are not atomic.
//
// MongoDB applies an update's filter and its change atomically, so a FindOneAndUpdate
// "due and not leased" → "leased by me" has one winner. FerretDB v1 does not: it reads the
// matching documents, applies the update in memory and writes the documents back by _id,
// so two instances claiming the same feed can both match it and both "win". What every
// server does atomically is insert a document whose _id is taken, so:
//
//   - A document that changes hands (a feed's poll lease, a named lease) carries a
//     generation, moved from g to g+1 by every change of holder.
//   - Whoever changes it first inserts the ticket "<key>:<g>:<attempt>"; only one insert
//     of that _id succeeds. The winner updates the document on condition that its
//     generation is still g, then deletes the ticket; a loser leaves the document alone.
//   - A ticket is deleted only after its update is written, so anyone who takes the same
//     ticket afterwards reads generation g+1 and its conditional update matches nothing.
//   - A ticket whose holder stopped between the insert and the update is stale once its
//     "until" (the lease it was taking) has passed; the next taker uses the next attempt
//     number. Stale tickets are deleted at start-up.
//
// Remaining race: a taker stalled for longer than its lease between its ticket and its
// update can write at the very moment the taker of the next attempt writes; both updates
// then match on FerretDB. On MongoDB the conditional update alone is atomic.
type ticketDoc struct {
	ID     string    `bson:"_id"`
	Holder string    `bson:"holder"`
	Until  time.Time `bson:"until"`
}

// maxTicketAttempts bounds how many stale tickets of one generation are stepped over.
const maxTicketAttempts = 8

// takeTicket takes the ticket of key at generation gen for holder until `until`. It
// returns the ticket's _id and true, or false if another taker holds a live ticket.
func (s *Store) takeTicket(ctx context.Context, key string, gen int64, holder string, now, until time.Time) (string, bool, error) {
	for attempt := range maxTicketAttempts {
		id := fmt.Sprintf("%s:%d:%d", key, gen, attempt)
		_, err := s.col(colTickets).InsertOne(ctx, ticketDoc{ID: id, Holder: holder, Until: ms(until)})
		if err == nil {
			return id, true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return "", false, mapErr("take ticket "+id, err)
		}
		var t ticketDoc
		err = s.col(colTickets).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&t)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			return "", false, nil // its holder just finished: generation gen is gone
		case err != nil:
			return "", false, mapErr("read ticket "+id, err)
		case t.Until.After(ms(now)):
			return "", false, nil // taken, and live
		}
	}
	return "", false, nil
}

// dropTicket deletes a ticket once its update is written (or has failed).
func (s *Store) dropTicket(ctx context.Context, id string) error {
	_, err := s.col(colTickets).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr("drop ticket "+id, err)
}

// genFilter matches generation gen; generation 0 also matches documents stored before
// generations existed.
func genFilter(field string, gen int64) bson.E {
	if gen == 0 {
		return bson.E{Key: field, Value: bson.D{{Key: "$in", Value: bson.A{0, nil}}}}
	}
	return bson.E{Key: field, Value: gen}
}

// repairTickets deletes tickets whose holder stopped before dropping them, a day after
// they ran out.
func (s *Store) repairTickets(ctx context.Context) error {
	_, err := s.col(colTickets).DeleteMany(ctx, bson.D{{Key: "until", Value: bson.D{{Key: "$lt", Value: now().Add(-24 * time.Hour)}}}})
	return mapErr("delete stale tickets", err)
}
