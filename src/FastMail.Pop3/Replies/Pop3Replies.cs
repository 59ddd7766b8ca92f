namespace FastMail.Pop3.Replies;

/// <summary>
/// Every fixed POP3 reply, pre-encoded with its CRLF. Bracketed codes are RFC 2449 8 response codes
/// ([IN-USE], [SYS/TEMP]) and RFC 3206 4 ([AUTH]), advertised by RESP-CODES and AUTH-RESP-CODE in CAPA.
/// </summary>
internal static class Pop3Replies
{
    public static ReadOnlySpan<byte> Greeting => "+OK FastMail POP3 server ready"u8;

    public static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    public static ReadOnlySpan<byte> Ok => "+OK\r\n"u8;

    // Sent by the transport, before any session, to a connection over the listener's limits (RFC 2449 8.1.2).
    public static ReadOnlySpan<byte> TooManyConnections => "-ERR [SYS/TEMP] Too many connections, try again later\r\n"u8;

    public static ReadOnlySpan<byte> OkPrefix => "+OK "u8;

    public static ReadOnlySpan<byte> Terminator => ".\r\n"u8;

    // RFC 2449 5: one capability per line, terminated like any multi-line reply. USER, STLS and SASL are written
    // between these pieces only where the client may use them (RFC 2449 6.8, RFC 2595 4, RFC 5034 3).
    public static ReadOnlySpan<byte> CapabilitiesHead => "+OK Capability list follows\r\nTOP\r\nUIDL\r\n"u8;

    public static ReadOnlySpan<byte> CapabilityUser => "USER\r\n"u8;

    public static ReadOnlySpan<byte> CapabilitiesMiddle => "RESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\n"u8;

    public static ReadOnlySpan<byte> CapabilityStls => "STLS\r\n"u8;

    public static ReadOnlySpan<byte> CapabilitySasl => "SASL"u8;

    public static ReadOnlySpan<byte> CapabilitiesTail => "IMPLEMENTATION FastMail\r\n.\r\n"u8;

    public static ReadOnlySpan<byte> MechanismsFollow => "+OK SASL mechanisms follow\r\n"u8;

    // RFC 2595 4: the reply after which the client starts the TLS handshake.
    public static ReadOnlySpan<byte> BeginTls => "+OK Begin TLS negotiation\r\n"u8;

    public static ReadOnlySpan<byte> TlsAlreadyActive => "-ERR TLS already active\r\n"u8;

    // RFC 5034 4: a server challenge is "+ " and base64 (possibly empty).
    public static ReadOnlySpan<byte> ChallengePrefix => "+ "u8;

    // RFC 2595 2.2 / RFC 5034 6: clear-text passwords only over TLS (or loopback, or when configured).
    public static ReadOnlySpan<byte> PlaintextDisallowed => "-ERR [AUTH] Plaintext authentication disallowed without TLS\r\n"u8;

    public static ReadOnlySpan<byte> AuthFailed => "-ERR [AUTH] Authentication failed\r\n"u8;

    public static ReadOnlySpan<byte> AuthCancelled => "-ERR Authentication cancelled\r\n"u8;

    public static ReadOnlySpan<byte> AuthMalformed => "-ERR Malformed SASL response\r\n"u8;

    public static ReadOnlySpan<byte> UnknownMechanism => "-ERR Unsupported authentication mechanism\r\n"u8;

    public static ReadOnlySpan<byte> PasswordRequired => "+OK Password required\r\n"u8;

    public static ReadOnlySpan<byte> MailboxReady => "+OK Mailbox locked and ready, "u8;

    public static ReadOnlySpan<byte> MessagesOpen => " messages ("u8;

    public static ReadOnlySpan<byte> OctetsClose => " octets)\r\n"u8;

    public static ReadOnlySpan<byte> OctetsLine => " octets\r\n"u8;

    public static ReadOnlySpan<byte> MaildropHas => "+OK Maildrop has "u8;

    public static ReadOnlySpan<byte> MessageWord => "+OK Message "u8;

    public static ReadOnlySpan<byte> DeletedLine => " deleted\r\n"u8;

    public static ReadOnlySpan<byte> TopFollows => "+OK Top of message follows\r\n"u8;

    public static ReadOnlySpan<byte> UniqueIdsFollow => "+OK Unique-ID listing follows\r\n"u8;

    public static ReadOnlySpan<byte> SigningOff => "+OK FastMail POP3 server signing off\r\n"u8;

    public static ReadOnlySpan<byte> SigningOffDeleted => "+OK FastMail POP3 server signing off ("u8;

    public static ReadOnlySpan<byte> MessagesDeletedClose => " messages deleted)\r\n"u8;

    public static ReadOnlySpan<byte> UnknownCommand => "-ERR Unknown command\r\n"u8;

    public static ReadOnlySpan<byte> WrongState => "-ERR Command not valid in this state\r\n"u8;

    public static ReadOnlySpan<byte> SyntaxError => "-ERR Syntax error in arguments\r\n"u8;

    public static ReadOnlySpan<byte> NoSuchMessage => "-ERR no such message\r\n"u8;

    public static ReadOnlySpan<byte> AlreadyDeletedPrefix => "-ERR message "u8;

    public static ReadOnlySpan<byte> AlreadyDeletedSuffix => " already deleted\r\n"u8;

    public static ReadOnlySpan<byte> PassWithoutUser => "-ERR PASS must directly follow USER\r\n"u8;

    // RFC 3206 4: [AUTH] says the credentials were wrong; the text never tells which part (contract 6).
    public static ReadOnlySpan<byte> InvalidCredentials => "-ERR [AUTH] Invalid user name or password\r\n"u8;

    public static ReadOnlySpan<byte> MailboxInUse => "-ERR [IN-USE] Mailbox is locked by another session\r\n"u8;

    public static ReadOnlySpan<byte> MailboxUnavailable => "-ERR [SYS/TEMP] Mailbox unavailable, try again later\r\n"u8;

    public static ReadOnlySpan<byte> ApopNotEnabled => "-ERR APOP is not enabled\r\n"u8;

    public static ReadOnlySpan<byte> AuthNotSupported => "-ERR AUTH is not supported, use USER and PASS\r\n"u8;

    public static ReadOnlySpan<byte> CommitFailed => "-ERR [SYS/TEMP] Could not remove the deleted messages, none were removed\r\n"u8;

    public static ReadOnlySpan<byte> LineTooLong => "-ERR Line too long\r\n"u8;

    public static ReadOnlySpan<byte> TooManyErrors => "-ERR Too many errors, closing\r\n"u8;

    public static ReadOnlySpan<byte> Timeout => "-ERR [SYS/TEMP] Timeout, closing\r\n"u8;

    // RFC 2449 8.1.2: the response code of a failure on the server's side; such replies do not count as client errors.
    public static ReadOnlySpan<byte> ServerFailurePrefix => "-ERR [SYS/TEMP]"u8;

    // Ends a session after a bug in the server, never a client's doing.
    public static ReadOnlySpan<byte> InternalError => "-ERR [SYS/TEMP] Internal error, closing\r\n"u8;

    public static ReadOnlySpan<byte> ShuttingDown => "-ERR [SYS/TEMP] Server shutting down\r\n"u8;
}
