package fiberauth

import "github.com/gofiber/fiber/v2"

// AppConfig returns cfg with the settings the kit needs from the fiber app
// to answer exactly like the net/http and gin adapters:
//
//   - StrictRouting and CaseSensitive: "/users/me/" and "/USERS/ME" are
//     unknown paths (404), not "/users/me";
//   - UnescapePath off: fiber decodes the path with query rules ("+"
//     becomes a space); off, the kit decodes path parameters itself with
//     path rules, as net/http does;
//   - DisablePreParseMultipartForm: fasthttp does not parse multipart
//     bodies before the handler, so a malformed one gets the kit's JSON
//     400 instead of fasthttp's plain-text one;
//   - BodyLimit at least the kit's MaxBodyBytes, so bodies up to the kit's
//     limit reach it and larger ones get its JSON 413 (fasthttp answers
//     bodies beyond BodyLimit itself, in plain text).
//
// These settings apply to the host's own routes too. Every other field is
// kept; ReadBufferSize (the request line and header limit, default 4096
// bytes against net/http's 1 MiB) is the host's choice.
//
//	app := fiber.New(kit.AppConfig(fiber.Config{AppName: "my app"}))
func (k *Kit) AppConfig(cfg fiber.Config) fiber.Config {
	cfg.StrictRouting = true
	cfg.CaseSensitive = true
	cfg.UnescapePath = false
	cfg.DisablePreParseMultipartForm = true
	limit := cfg.BodyLimit
	if limit <= 0 {
		limit = fiber.DefaultBodyLimit
	}
	if int64(limit) < k.MaxBodyBytes() {
		limit = int(k.MaxBodyBytes())
	}
	cfg.BodyLimit = limit
	return cfg
}
