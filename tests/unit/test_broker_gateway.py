"""The broker gateway's SCRAM server and its Kafka framing, without sockets."""

from __future__ import annotations

import base64
import struct

import pytest
import scramp

from autoglm.shared.cli.broker_gateway import (
    MECHANISMS,
    SASL_AUTHENTICATE,
    AuthenticationFailed,
    RequestHeader,
    ScramExchange,
    authenticate_response,
    handshake_response,
    scram_credentials,
)

# RFC 7677 section 3: SCRAM-SHA-256, user "user", password "pencil".
CLIENT_FIRST = b"n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
SALT = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
SERVER_FIRST = b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
CLIENT_FINAL = b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
SERVER_FINAL = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def exchange(password: str = "pencil") -> ScramExchange:
    credential = scramp.ScramMechanism("SCRAM-SHA-256").make_auth_info(password, 4096, salt=SALT)
    return ScramExchange("SCRAM-SHA-256", {("user", "SCRAM-SHA-256"): credential}, server_nonce=SERVER_NONCE)


def test_rfc7677_example_exchange() -> None:
    ex = exchange()
    assert ex.step(CLIENT_FIRST) == SERVER_FIRST
    assert ex.step(CLIENT_FINAL) == SERVER_FINAL
    assert ex.done and ex.user == "user"


def test_a_proof_for_another_password_fails() -> None:
    ex = exchange(password="not-pencil")
    ex.step(CLIENT_FIRST)  # the same challenge as for the real password's salt and count
    with pytest.raises(AuthenticationFailed, match="invalid credentials"):
        ex.step(CLIENT_FINAL)
    assert not ex.done


def test_an_unknown_user_is_challenged_then_refused_like_a_wrong_password() -> None:
    ex = exchange()
    first = ex.step(b"n,,n=mallory,r=abc").decode()
    assert first.startswith("r=abc") and ",s=" in first and ",i=" in first
    with pytest.raises(AuthenticationFailed, match="invalid credentials"):
        ex.step(f"c=biws,r=abc{SERVER_NONCE},p=AAAA".encode())


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_a_client_with_the_password_completes_either_mechanism(mechanism: str) -> None:
    credentials = scram_credentials({"alice": "s3cret, really", "bob": "other"})
    assert all("s3cret" not in repr(info) for info in credentials.values())  # derived, not kept
    ex = ScramExchange(mechanism, credentials)
    client = scramp.ScramClient([mechanism], "alice", "s3cret, really")
    client.set_server_first(ex.step(client.get_client_first().encode()).decode())
    client.set_server_final(ex.step(client.get_client_final().encode()).decode())  # checks the server too
    assert ex.done and ex.user == "alice"


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_a_client_with_another_users_password_is_refused(mechanism: str) -> None:
    ex = ScramExchange(mechanism, scram_credentials({"alice": "s3cret", "bob": "other"}))
    client = scramp.ScramClient([mechanism], "alice", "other")
    client.set_server_first(ex.step(client.get_client_first().encode()).decode())
    with pytest.raises(AuthenticationFailed, match=f"invalid credentials with SASL mechanism {mechanism}"):
        ex.step(client.get_client_final().encode())
    assert not ex.done


@pytest.mark.parametrize(
    ("final", "reason"),
    [
        (b"c=biws,r=someone-elses-nonce,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "nonce"),
        (b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "Malformed"),
        (b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=not base64!", "base 64"),
        (b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzb", "invalid credentials"),
        (
            b"c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "channel binding",
        ),
    ],
    ids=["nonce", "no proof", "proof not base64", "short proof", "channel binding"],
)
def test_a_malformed_final_message_fails(final: bytes, reason: str) -> None:
    ex = exchange()
    ex.step(CLIENT_FIRST)
    with pytest.raises(AuthenticationFailed, match=reason):
        ex.step(final)
    assert not ex.done


@pytest.mark.parametrize(
    ("first", "reason"),
    [
        (b"", "malformed first message"),
        (b"p=tls-unique,,n=user,r=x", "channel binding"),
        (b"n,,r=x", "Malformed client_first_bare"),
        (b"n,a=admin,n=user,r=x", "authzid"),
    ],
    ids=["empty", "channel binding", "no user", "authzid"],
)
def test_a_malformed_or_impersonating_first_message_fails(first: bytes, reason: str) -> None:
    with pytest.raises(AuthenticationFailed, match=reason):
        exchange().step(first)


def _request(api_key: int, version: int, body: bytes, *, flexible: bool) -> bytes:
    return struct.pack(">hhih", api_key, version, 7, 3) + b"cli" + (b"\x00" if flexible else b"") + body


def test_authenticate_frames_round_trip_in_both_encodings() -> None:
    legacy = RequestHeader.parse(_request(SASL_AUTHENTICATE, 1, b"", flexible=False))
    assert (legacy.correlation_id, legacy.flexible, legacy.body_offset) == (7, False, 13)
    out = authenticate_response(legacy, 0, None, b"v=abc")
    assert out == struct.pack(">ihhi", 7, 0, -1, 5) + b"v=abc" + struct.pack(">q", 0)

    flexible = RequestHeader.parse(_request(SASL_AUTHENTICATE, 2, b"", flexible=True))
    assert (flexible.flexible, flexible.body_offset) == (True, 14)
    out = authenticate_response(flexible, 58, "no", b"")
    assert (
        out
        == struct.pack(">i", 7) + b"\x00" + struct.pack(">h", 58) + b"\x03no" + b"\x01" + bytes(8) + b"\x00"
    )


def test_handshake_offers_both_scram_mechanisms() -> None:
    header = RequestHeader.parse(_request(17, 1, b"", flexible=False))
    out = handshake_response(header, 0)
    assert out[:10] == struct.pack(">ihi", 7, 0, 2)
    assert b"SCRAM-SHA-256" in out and b"SCRAM-SHA-512" in out and b"PLAIN" not in out
