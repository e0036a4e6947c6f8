package core

import "github.com/google/uuid"

// User is an account as stored in the `user` table of zndraw-auth
// (fastapi-users' SQLAlchemy user model). HashedPassword is a PHC string (argon2id, argon2i or
// bcrypt) and never leaves the kit in a response.
type User struct {
	ID             uuid.UUID
	Email          string
	HashedPassword string
	IsActive       bool
	IsSuperuser    bool
	IsVerified     bool
	// TokenVersion is bumped whenever all of the user's earlier tokens must
	// stop working (password change or reset, deactivation, demotion from
	// superuser, "logout everywhere"); the impersonation tokens an admin
	// minted carry the admin's version too, and end with it. Tokens minted
	// by the kit carry the version they were minted at, which makes
	// revocation exact even within one clock tick. It is an additive column
	// (default 0) on adopted databases.
	TokenVersion int64
}

// UserCreate is the input of registration (fastapi-users' UserCreate). On the
// public register route the three flags are ignored (safe mode).
type UserCreate struct {
	Email       string
	Password    string
	IsActive    *bool
	IsSuperuser *bool
	IsVerified  *bool
}

// UserUpdate is the input of an update (fastapi-users' UserUpdate). A nil
// field is "not set". For UpdateSelf (PATCH /users/me) only Password and Email
// are honoured. Fields are applied in the order password, email, is_active,
// is_superuser, is_verified; an email change resets is_verified unless
// IsVerified is also set (superuser mode only).
type UserUpdate struct {
	Password    *string
	Email       *string
	IsActive    *bool
	IsSuperuser *bool
	IsVerified  *bool
}

// IsEmpty reports whether no field is set.
func (u UserUpdate) IsEmpty() bool {
	return u.Password == nil && u.Email == nil && u.IsActive == nil && u.IsSuperuser == nil && u.IsVerified == nil
}

// UserPatch is one conditional write to a stored user, as the Service sends
// it to a UserStore. Nil fields are left unchanged. The Expect* fields are
// preconditions: when one does not hold, the store changes nothing and
// returns ErrConflict. That makes one-time operations (reset, verify) a
// single compare-and-set.
type UserPatch struct {
	Email          *string
	HashedPassword *string
	IsActive       *bool
	IsSuperuser    *bool
	IsVerified     *bool
	// BumpTokenVersion increments TokenVersion by one in the same write
	// (token_version = token_version + 1), never read-modify-write.
	BumpTokenVersion bool

	// ExpectHashedPassword, when set, requires the stored hash to equal it.
	ExpectHashedPassword *string
	// ExpectIsVerified, when set, requires the stored is_verified to equal it.
	ExpectIsVerified *bool
}
