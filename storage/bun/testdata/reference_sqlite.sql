-- A SQLite database laid out exactly as zndraw-auth 0.2.3 creates it
-- (SQLAlchemy/SQLModel DDL), with fixture rows as the
-- reference writes them: user.id as 36 lowercase hyphenated characters,
-- cliloginchallenge.user_id as 32 hex digits, timestamps as
-- "YYYY-MM-DD HH:MM:SS.ffffff" UTC text, secrets and tokens in plaintext.
-- Hashes: argon2id and bcrypt ($2y$ from htpasswd rewritten to $2b$) of
-- "password123".

CREATE TABLE user (
	id CHAR(36) NOT NULL,
	email VARCHAR(320) NOT NULL,
	hashed_password VARCHAR(1024) NOT NULL,
	is_active BOOLEAN NOT NULL,
	is_superuser BOOLEAN NOT NULL,
	is_verified BOOLEAN NOT NULL,
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_user_email ON user (email);

CREATE TABLE cliloginchallenge (
	id INTEGER NOT NULL,
	code VARCHAR NOT NULL,
	secret VARCHAR,
	status VARCHAR NOT NULL,
	token VARCHAR,
	user_id CHAR(32),
	created_at DATETIME NOT NULL,
	expires_at DATETIME NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES user (id)
);

CREATE UNIQUE INDEX ix_cliloginchallenge_code ON cliloginchallenge (code);

INSERT INTO user (id, email, hashed_password, is_active, is_superuser, is_verified) VALUES
	('6f1f7a52-3b8e-4c1a-9d2e-0a1b2c3d4e5f', 'admin@example.com', '$argon2id$v=19$m=65536,t=3,p=4$em5kcmF3c2FsdHNhbHQxNg$IC9HcVFsQsVIjypgOIy1BqeFRd3nwN6UbDChX3R+2nU', 1, 1, 1),
	('0b8e2c1d-4f5a-4b6c-8d7e-9f0a1b2c3d4e', 'Bob@Example.com', '$2b$10$dwwAAtZOvX1JCLnPfZNRUePQyRTXLYx/YgsJNoYISJ8HtgAAXRSpK', 1, 0, 0),
	('d2c3b4a5-9687-4a1b-b2c3-d4e5f6a7b8c9', 'carol@example.com', '$argon2id$v=19$m=65536,t=3,p=4$em5kcmF3c2FsdHNhbHQxNg$IC9HcVFsQsVIjypgOIy1BqeFRd3nwN6UbDChX3R+2nU', 0, 0, 1);

INSERT INTO cliloginchallenge (id, code, secret, status, token, user_id, created_at, expires_at) VALUES
	(1, 'APPRV123', 'legacy-secret-approved', 'approved', 'eyJhbGciOiJIUzI1NiJ9.legacy.token', '6f1f7a523b8e4c1a9d2e0a1b2c3d4e5f', '2025-06-01 12:00:00.000000', '2025-06-01 12:05:00.000000'),
	(2, 'PEND4567', 'legacy-secret-pending', 'pending', NULL, NULL, '2025-06-01 12:01:00.250000', '2025-06-01 12:06:00.250000'),
	(3, 'REDM8901', NULL, 'redeemed', NULL, '0b8e2c1d4f5a4b6c8d7e9f0a1b2c3d4e', '2025-06-01 12:02:00.000000', '2025-06-01 12:07:00.000000'),
	(4, 'GONE2345', NULL, 'redeemed', NULL, '99999999999949999999999999999999', '2025-06-01 12:03:00.000000', '2025-06-01 12:08:00.000000');
