"""What a zndraw-auth (fastapi-users 15) service does with JWTs, run with
the system's PyJWT: the tests in this package feed it operations as JSON on
stdin and read one JSON result per operation from stdout.

Operations (every "now" is a Unix time in seconds, a float, and stands for
the clock of the Python host):

  {"op": "decode", "token", "secret", "audience": [...], "now"}
      fastapi_users.jwt.decode_jwt: jwt.decode(token, secret,
      audience=audience, algorithms=["HS256"]), no leeway, with the host's
      clock at now; then, for access tokens, JWTStrategy.read_token's
      uuid.UUID(sub). PyJWT 2.10 added type checks of sub and jti; on an
      older PyJWT they are applied here.
      -> {"ok": true, "payload": {...}} or {"ok": false, "error": "<class>"}
  {"op": "generate_jwt", "data", "secret", "lifetime", "now"}
      fastapi_users.jwt.generate_jwt: data plus exp = now + lifetime, as a
      datetime, encoded by PyJWT (login, reset and verify tokens).
      -> {"token": "..."}
  {"op": "mint_jwt", "sub", "secret", "lifetime", "now", "extra"}
      zndraw-auth's CLI and admin tokens: sub, aud "fastapi-users:auth" (a
      string), iat = now, exp = now + lifetime, then the extra claims.
      -> {"token": "..."}
  {"op": "argon2", "password"}
      pwdlib's Argon2Hasher (argon2-cffi with its RFC 9106 low-memory
      parameters, the reference's): the password_fgpt of a reset token.
      -> {"hash": "..."}

The first line of output describes the environment:
  {"pyjwt": "<version>", "iat_checked": bool, "argon2": bool}
"""

import json
import sys
import uuid
from datetime import datetime, timedelta, timezone

import jwt
from jwt import api_jwt

try:
    import argon2
except ImportError:  # the reset-token case skips without it
    argon2 = None

PYJWT_VERSION = tuple(int(p) for p in jwt.__version__.split(".")[:2])


class _Frozen(datetime):
    """A datetime whose now() is the host clock under test."""

    at = 0.0

    @classmethod
    def now(cls, tz=None):
        return datetime.fromtimestamp(cls.at, tz)


def decode_at(token, secret, audience, now):
    """jwt.decode with PyJWT's clock set to now (PyJWT reads
    datetime.now(tz=timezone.utc) from its api_jwt module)."""
    real = api_jwt.datetime
    _Frozen.at = now
    api_jwt.datetime = _Frozen
    try:
        return jwt.decode(token, secret, audience=audience, algorithms=["HS256"])
    finally:
        api_jwt.datetime = real


def host_time(now):
    return datetime.fromtimestamp(now, timezone.utc)


def run(op):
    kind = op["op"]
    if kind == "decode":
        try:
            payload = decode_at(op["token"], op["secret"], op["audience"], op["now"])
        except jwt.PyJWTError as err:
            return {"ok": False, "error": type(err).__name__}
        if PYJWT_VERSION < (2, 10):
            if "sub" in payload and not isinstance(payload["sub"], str):
                return {"ok": False, "error": "InvalidSubjectError"}
            if "jti" in payload and not isinstance(payload["jti"], str):
                return {"ok": False, "error": "InvalidJTIError"}
        if op.get("access"):
            try:
                uuid.UUID(payload["sub"])
            except (KeyError, ValueError, TypeError):
                return {"ok": False, "error": "InvalidID"}
        return {"ok": True, "payload": payload}
    if kind == "generate_jwt":
        payload = dict(op["data"])
        if op["lifetime"]:
            payload["exp"] = host_time(op["now"]) + timedelta(seconds=op["lifetime"])
        return {"token": jwt.encode(payload, op["secret"], algorithm="HS256")}
    if kind == "mint_jwt":
        now = host_time(op["now"])
        payload = {
            "sub": op["sub"],
            "aud": "fastapi-users:auth",
            "iat": now,
            "exp": now + timedelta(seconds=op["lifetime"]),
        }
        payload.update(op.get("extra") or {})
        return {"token": jwt.encode(payload, op["secret"], algorithm="HS256")}
    if kind == "argon2":
        hasher = argon2.PasswordHasher(
            time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16
        )
        return {"hash": hasher.hash(op["password"])}
    raise ValueError("unknown op " + kind)


def iat_checked():
    """Whether this PyJWT refuses a token whose iat lies in the future."""
    token = jwt.encode({"iat": 2000}, "k" * 32, algorithm="HS256")
    try:
        decode_at(token, "k" * 32, None, 1000.0)
    except jwt.ImmatureSignatureError:
        return True
    return False


def main():
    print(json.dumps({"pyjwt": jwt.__version__, "iat_checked": iat_checked(), "argon2": argon2 is not None}))
    for op in json.load(sys.stdin):
        print(json.dumps(run(op)))


if __name__ == "__main__":
    main()
