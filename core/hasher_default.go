package core

import "github.com/zincware/zndraw-auth-go/core/password"

// defaultHasher is argon2id at the reference's parameters.
func defaultHasher() PasswordHasher { return password.New(password.DefaultParams) }
