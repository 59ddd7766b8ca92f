"""Python's standard clients against FastMail: smtplib sends, poplib retrieves, bytes compared exactly.

Usage: python3 python_round_trip.py SMTP_PORT POP3_PORT USER PASSWORD DOMAIN
Prints OK and exits 0 on success; anything else is a failure with the reason on stderr.
"""
import poplib
import smtplib
import sys

smtp_port, pop3_port, user, password, domain = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
recipient = f"{user}@{domain}"

body = (
    b"From: py@example.org\r\n"
    b"To: " + recipient.encode() + b"\r\n"
    b"Subject: python round trip\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    + "Grüße — 8-bit\r\n".encode("utf-8")
    + b".leading dot\r\n"
    + b"..two leading dots\r\n"
    + b"x" * 998 + b"\r\n"
    + b"end\r\n"
)

with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as smtp:
    code, _ = smtp.ehlo("python.example")
    assert code == 250, f"EHLO answered {code}"
    assert smtp.has_extn("8bitmime") and smtp.has_extn("pipelining") and smtp.has_extn("size"), smtp.esmtp_features
    refused = smtp.sendmail("py@example.org", [recipient], body, mail_options=["BODY=8BITMIME"])
    assert not refused, refused

pop = poplib.POP3("127.0.0.1", pop3_port, timeout=30)
caps = pop.capa()
assert "UIDL" in caps and "TOP" in caps and "USER" in caps, caps
pop.user(user)
pop.pass_(password)
count, total = pop.stat()
assert count == 1, f"STAT says {count} messages"
response, lines, octets = pop.retr(1)
stored = b"\r\n".join(lines) + b"\r\n"
assert stored.endswith(body), "stored message does not end with the sent bytes"
assert stored.startswith(b"Return-Path: <py@example.org>\r\nReceived: "), stored[:120]
assert total == len(stored), f"STAT size {total} != retrieved size {len(stored)}"
top_response, top_lines, _ = pop.top(1, 1)
assert b"Subject: python round trip" in top_lines and top_lines[-1] == "Grüße — 8-bit".encode("utf-8"), top_lines[-3:]
pop.dele(1)
pop.quit()

pop = poplib.POP3("127.0.0.1", pop3_port, timeout=30)
pop.user(user)
pop.pass_(password)
assert pop.stat()[0] == 0, "message still there after DELE + QUIT"
pop.quit()
print("OK")
