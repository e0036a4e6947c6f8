// Package password is the kit's password hasher. It implements
// core.PasswordHasher (it does not import package core, which imports it).
// A Service hashes with New(DefaultParams) unless told otherwise; tests and
// examples pass cheap parameters:
//
//	svc, err := core.New(store, settings, core.WithHasher(password.New(password.TestParams)))
//
// New hashes are argon2id PHC strings byte-compatible with pwdlib and
// argon2-cffi 25.1 (the Python reference's hasher):
//
//	$argon2id$v=19$m=65536,t=3,p=4$<salt>$<digest>
//
// with salt and digest in standard base64 without padding (a 16-byte salt is
// 22 characters, a 32-byte digest 43; 97 characters in all with
// DefaultParams). The password is hashed as its UTF-8 bytes, with no Unicode
// normalisation and no length limit (argon2's cost does not grow with the
// password's length in any way that matters; the kit's password policy and
// the HTTP body limit bound the input).
//
// Verify accepts what pwdlib recognises and Go can compute: argon2id and
// argon2i at version 19 with whatever m, t, p, salt and digest length the
// string states, and bcrypt $2a$, $2b$ and $2y$. A match against bcrypt, or
// against argon2 whose type or parameters differ from the hasher's own,
// returns a fresh hash to store (argon2-cffi's check_needs_rehash rules).
// Strings it cannot use give an error that matches ErrUnknownHash, never a
// panic; stored parameters above Limits are refused before any memory is
// allocated. A password longer than 72 bytes never matches a bcrypt hash
// (bcrypt would otherwise silently ignore the bytes after the 72nd).
//
// Every key derivation (Hash, Verify, DummyVerify) takes a slot of a
// semaphore first, so at most a bounded number of 64 MiB derivations run at
// once; waiting for a slot gives up with ctx.Err() when ctx ends. A
// derivation of 8 MiB or more is followed, before its slot is released, by
// a garbage collection, so that the next one reuses its memory: under a
// flood of logins the process holds about one work area per slot.
package password
