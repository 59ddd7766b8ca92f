"""Python's smtplib.starttls()/login() and poplib.stls() against FastMail.

Usage: python3 python_tls.py SUBMISSION_PORT POP3_PORT USER PASSWORD DOMAIN
Prints OK on success.
"""
import poplib
import smtplib
import ssl
import sys

submission_port, pop3_port, user, password, domain = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # FastMail's self-signed certificate

with smtplib.SMTP("127.0.0.1", submission_port, timeout=30) as smtp:
    smtp.ehlo("python.example")
    assert smtp.has_extn("starttls"), smtp.esmtp_features
    smtp.starttls(context=context)
    smtp.ehlo("python.example")
    assert not smtp.has_extn("starttls"), "STARTTLS still advertised inside TLS"
    assert "PLAIN" in smtp.esmtp_features.get("auth", "").upper(), smtp.esmtp_features
    smtp.login(user, password)
    refused = smtp.sendmail("py@example.org", [f"{user}@{domain}"], b"Subject: python tls\r\n\r\nsecret body\r\n")
    assert not refused, refused

pop = poplib.POP3("127.0.0.1", pop3_port, timeout=30)
assert "STLS" in pop.capa(), pop.capa()
pop.stls(context=context)
assert "STLS" not in pop.capa(), "STLS still advertised inside TLS"
pop.user(user)
pop.pass_(password)
count, _ = pop.stat()
assert count == 1, count
_, lines, _ = pop.retr(1)
assert b"secret body" in lines, lines
pop.quit()
print("OK")
