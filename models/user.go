package models

import "time"

// Role is what a user may do.
type Role string

// Roles.
const (
	RoleAdmin     Role = "admin"      // everything, everywhere
	RoleReviewer  Role = "reviewer"   // reads its unit's subtree, reclassifies, rejects manual posts
	RoleUnitAdmin Role = "unit_admin" // its own unit only
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleReviewer || r == RoleUnitAdmin
}

// User is a person who logs in. UnitCode is the scope ("" for an admin: everything).
type User struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	UnitCode     string    `json:"unit_code,omitempty"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Session is a server-side login session; the cookie holds a secret whose hash is ID.
type Session struct {
	ID        string    `json:"-"` // sha256 of the cookie value, hex
	UserID    string    `json:"user_id"`
	CSRFToken string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// APIToken is a per-user bearer token for /api. Only its hash is stored.
type APIToken struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	Name      string     `json:"name"`
	Hash      string     `json:"-"` // sha256 hex
	CreatedAt time.Time  `json:"created_at"`
	LastUsed  *time.Time `json:"last_used,omitempty"`
}
