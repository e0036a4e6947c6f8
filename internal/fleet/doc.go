// Package fleet tests the kit the way a mixed fleet runs it: Go services
// next to zndraw-auth's Python services, on one database and one set of
// secrets. It has no non-test code.
//
//	tokens_test.go      every token the kit mints verifies with fastapi-users'
//	                    own decode call (the system's PyJWT, no leeway) on a
//	                    host whose clock is up to 30 s behind, and tokens
//	                    minted by PyJWT with the reference's claims work on
//	                    the kit, revocation included
//	challenges_test.go  CLI-login challenges written the way zndraw-auth's
//	                    SQLAlchemy models write them (plain secret, token
//	                    stored at approval, user_id as 32 hex digits on
//	                    SQLite) complete on a Go instance, on SQLite and
//	                    PostgreSQL
//
// The Python side runs testdata/pyjwt_ref.py with python3 and PyJWT
// (Debian: apt-get install python3-jwt python3-argon2; or point
// ZNDRAW_AUTH_TEST_PYTHON at an interpreter); the tests that need it skip
// with a message when there is none. PostgreSQL cases run when
// ZNDRAW_AUTH_TEST_POSTGRES_DSN is set.
package fleet
