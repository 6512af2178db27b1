"""Signatures by the Standard Webhooks scheme, checked against the spec's vector and the reference library."""

import datetime as dt

from standardwebhooks.webhooks import Webhook as ReferenceVerifier

from webhooks import signing

# The test vector of the specification (standard-webhooks/spec, "Signature scheme").
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_matches_the_specification_test_vector():
    # when signing the spec's message with its secret
    signature = signing.sign(secret=SPEC_SECRET, msg_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY)
    # then it is the spec's signature
    assert signature == SPEC_SIGNATURE


def test_the_reference_library_verifies_our_signature():
    # given a fresh secret and a message signed now
    secret = signing.new_secret()
    now = int(dt.datetime.now(dt.UTC).timestamp())
    body = '{"type":"campaign.created","data":{"id":1}}'
    header = signing.signature_header(secrets=[secret], msg_id="msg_1", timestamp=now, body=body)
    # when the reference implementation verifies it
    payload = ReferenceVerifier(secret).verify(
        body, {"webhook-id": "msg_1", "webhook-timestamp": str(now), "webhook-signature": header}
    )
    # then it accepts it
    assert payload["data"] == {"id": 1}


def test_after_rotation_both_secrets_verify_the_same_header():
    # given a header signed with the new and the previous secret
    new, old = signing.new_secret(), signing.new_secret()
    now = int(dt.datetime.now(dt.UTC).timestamp())
    header = signing.signature_header(secrets=[new, old], msg_id="msg_2", timestamp=now, body="{}")
    headers = {"webhook-id": "msg_2", "webhook-timestamp": str(now), "webhook-signature": header}
    # then two space-separated signatures, each verifying with the reference library
    assert len(header.split(" ")) == 2
    assert ReferenceVerifier(new).verify("{}", headers) == {}
    assert ReferenceVerifier(old).verify("{}", headers) == {}
    assert not signing.verify(secret=signing.new_secret(), msg_id="msg_2", timestamp=now, body="{}", header=header)


def test_secrets_look_like_the_spec_says():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert secret != signing.new_secret()


def test_the_verifier_in_the_docs_accepts_our_signatures():
    # given the hand-written verifier of docs/WEBHOOKS.md
    import re
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "WEBHOOKS.md").read_text(encoding="utf-8")
    code = next(block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "def verify" in block)
    namespace: dict = {}
    exec(compile(code, "docs/WEBHOOKS.md", "exec"), namespace)  # noqa: S102 - our own documentation
    # when it checks a message MRM signed with two secrets (after a rotation)
    new, old = signing.new_secret(), signing.new_secret()
    now = int(dt.datetime.now(dt.UTC).timestamp())
    body = '{"type":"expense.created"}'
    header = signing.signature_header(secrets=[new, old], msg_id="msg_3", timestamp=now, body=body)
    headers = {"webhook-id": "msg_3", "webhook-timestamp": str(now), "webhook-signature": header}
    # then both secrets verify it and another does not
    assert namespace["verify"](new, headers, body.encode())
    assert namespace["verify"](old, headers, body.encode())
    assert not namespace["verify"](signing.new_secret(), headers, body.encode())
