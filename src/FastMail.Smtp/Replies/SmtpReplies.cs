namespace FastMail.Smtp.Replies;

/// <summary>
/// Every fixed SMTP reply, pre-encoded with its CRLF. Enhanced status codes (RFC 3463, advertised through
/// ENHANCEDSTATUSCODES, RFC 2034) are on every reply except the greeting and the EHLO/HELO answers, as RFC 2034 says.
/// Replies that name the host or an address are composed by <see cref="ReplyWriter"/>.
/// </summary>
internal static class SmtpReplies
{
    public static ReadOnlySpan<byte> Ok => "250 2.0.0 Ok\r\n"u8;

    public static ReadOnlySpan<byte> SenderOk => "250 2.1.0 Ok\r\n"u8;

    public static ReadOnlySpan<byte> RecipientOk => "250 2.1.5 Ok\r\n"u8;

    public static ReadOnlySpan<byte> StartData => "354 End data with <CR><LF>.<CR><LF>\r\n"u8;

    public static ReadOnlySpan<byte> Bye => "221 2.0.0 Bye\r\n"u8;

    // RFC 5321 3.5.3: 252 when the server will not verify; never tells whether a user exists (DESIGN contract 6).
    public static ReadOnlySpan<byte> CannotVerify => "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery\r\n"u8;


    // Queue id and CRLF follow.
    public static ReadOnlySpan<byte> QueuedAsPrefix => "250 2.0.0 Ok: queued as "u8;

    // Sent by the transport, before any session, to a connection over the listener's limits (RFC 5321 3.8).
    public static ReadOnlySpan<byte> TooManyConnections => "421 4.7.0 Too many connections, try again later\r\n"u8;

    public static ReadOnlySpan<byte> LineTooLong => "500 5.5.2 Line too long\r\n"u8;

    public static ReadOnlySpan<byte> UnknownCommand => "500 5.5.1 Error: command not recognized\r\n"u8;

    public static ReadOnlySpan<byte> NeedMail => "503 5.5.1 Error: need MAIL command\r\n"u8;

    public static ReadOnlySpan<byte> NeedRcpt => "503 5.5.1 Error: need RCPT command\r\n"u8;

    public static ReadOnlySpan<byte> NestedMail => "503 5.5.1 Error: nested MAIL command\r\n"u8;

    public static ReadOnlySpan<byte> HeloSyntax => "501 5.5.4 Syntax: HELO hostname\r\n"u8;

    public static ReadOnlySpan<byte> EhloSyntax => "501 5.5.4 Syntax: EHLO hostname\r\n"u8;

    public static ReadOnlySpan<byte> MailSyntax => "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"u8;

    public static ReadOnlySpan<byte> RcptSyntax => "501 5.5.4 Syntax: RCPT TO:<address>\r\n"u8;

    public static ReadOnlySpan<byte> DataSyntax => "501 5.5.4 Syntax: DATA\r\n"u8;

    public static ReadOnlySpan<byte> RsetSyntax => "501 5.5.4 Syntax: RSET\r\n"u8;

    public static ReadOnlySpan<byte> QuitSyntax => "501 5.5.4 Syntax: QUIT\r\n"u8;

    public static ReadOnlySpan<byte> VrfySyntax => "501 5.5.4 Syntax: VRFY address\r\n"u8;

    public static ReadOnlySpan<byte> BadSenderAddress => "501 5.1.7 Bad sender address syntax\r\n"u8;

    public static ReadOnlySpan<byte> BadRecipientAddress => "501 5.1.7 Bad recipient address syntax\r\n"u8;

    public static ReadOnlySpan<byte> BadParameterSyntax => "501 5.5.4 Bad parameter syntax\r\n"u8;

    public static ReadOnlySpan<byte> UnsupportedParameter => "555 5.5.4 Unsupported option\r\n"u8;

    public static ReadOnlySpan<byte> DuplicateParameter => "501 5.5.4 Parameter given more than once\r\n"u8;

    // RFC 3461 4.1 to 4.4: the DSN parameters, each with its syntax.
    public static ReadOnlySpan<byte> RetSyntax => "501 5.5.4 Syntax: RET=FULL or RET=HDRS\r\n"u8;

    public static ReadOnlySpan<byte> EnvIdSyntax => "501 5.5.4 Syntax: ENVID=xtext of at most 100 characters\r\n"u8;

    public static ReadOnlySpan<byte> NotifySyntax => "501 5.5.4 Syntax: NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY\r\n"u8;

    public static ReadOnlySpan<byte> OrcptSyntax => "501 5.5.4 Syntax: ORCPT=addr-type;xtext\r\n"u8;

    // RFC 3030 2: a chunk with a readable size is still read (and discarded) after this reply.
    public static ReadOnlySpan<byte> BdatSyntax => "501 5.5.4 Syntax: BDAT chunk-size [LAST]\r\n"u8;

    // RFC 3030 2: without a size the end of the chunk cannot be found, so nothing after it can be read as a command.
    public static ReadOnlySpan<byte> BdatSizeUnreadable => "501 5.5.4 Syntax: BDAT chunk-size [LAST]; chunk size unreadable, closing connection\r\n"u8;

    // RFC 3030 2: DATA and BDAT cannot be used in the same transaction.
    public static ReadOnlySpan<byte> DataAfterBdat => "503 5.5.1 Error: DATA not allowed after BDAT\r\n"u8;

    public static ReadOnlySpan<byte> RcptAfterBdat => "503 5.5.1 Error: RCPT not allowed after BDAT\r\n"u8;

    // RFC 3030 2: a chunk that is not the last; its size and the suffix follow.
    public static ReadOnlySpan<byte> ChunkReceivedPrefix => "250 2.0.0 "u8;

    public static ReadOnlySpan<byte> ChunkReceivedSuffix => " octets received\r\n"u8;

    public static ReadOnlySpan<byte> MessageTooBig => "552 5.3.4 Message size exceeds fixed limit\r\n"u8;

    public static ReadOnlySpan<byte> TooManyRecipients => "452 4.5.3 Too many recipients\r\n"u8;

    // RFC 5321 2.3.8: CR and LF appear only together as CRLF; a bare one is how SMTP smuggling works (CVE-2023-51764).
    public static ReadOnlySpan<byte> BareLineBreak => "554 5.6.11 Message contains bare CR or LF (RFC 5321 2.3.8)\r\n"u8;

    public static ReadOnlySpan<byte> StoreFailed => "451 4.3.0 Error: could not store message, try again later\r\n"u8;

    // RFC 3463 4.3.1: the disk is full; temporary, so senders retry once space returns.
    public static ReadOnlySpan<byte> StorageFull => "452 4.3.1 Insufficient system storage\r\n"u8;

    // RFC 3463 4.2.2 at RCPT (temporary: the owner may make room); the address goes between prefix and suffix.
    public static ReadOnlySpan<byte> MailboxFullPrefix => "452 4.2.2 <"u8;

    public static ReadOnlySpan<byte> MailboxFullSuffix => ">: Mailbox full\r\n"u8;

    // RFC 3463 5.2.2 after DATA: the message itself does not fit in any recipient's quota.
    public static ReadOnlySpan<byte> MailboxFullAfterData => "552 5.2.2 Mailbox full\r\n"u8;

    // Address (without brackets) goes between prefix and suffix.
    public static ReadOnlySpan<byte> UserUnknownPrefix => "550 5.1.1 <"u8;

    public static ReadOnlySpan<byte> UserUnknownSuffix => ">: Recipient address rejected: User unknown\r\n"u8;

    public static ReadOnlySpan<byte> RelayDeniedPrefix => "554 5.7.1 <"u8;

    public static ReadOnlySpan<byte> RelayDeniedSuffix => ">: Relay access denied\r\n"u8;

    public static ReadOnlySpan<byte> RelayUnavailablePrefix => "553 5.7.1 <"u8;

    public static ReadOnlySpan<byte> RelayUnavailableSuffix => ">: relaying to other domains is not available on this server (no outbound queue)\r\n"u8;

    public static ReadOnlySpan<byte> InTransaction => "503 5.5.1 Error: MAIL transaction in progress\r\n"u8;

    public static ReadOnlySpan<byte> NeedEhlo => "503 5.5.1 Error: send HELO/EHLO first\r\n"u8;

    // RFC 3207 4: the reply that starts the handshake.
    public static ReadOnlySpan<byte> StartTlsReady => "220 2.0.0 Ready to start TLS\r\n"u8;

    public static ReadOnlySpan<byte> StartTlsSyntax => "501 5.5.4 Syntax: STARTTLS\r\n"u8;

    public static ReadOnlySpan<byte> TlsAlreadyActive => "503 5.5.1 Error: TLS already active\r\n"u8;

    public static ReadOnlySpan<byte> NotImplemented => "502 5.5.1 Error: command not implemented\r\n"u8;

    public static ReadOnlySpan<byte> AuthNotEnabled => "503 5.5.1 Error: authentication not enabled\r\n"u8;

    public static ReadOnlySpan<byte> AlreadyAuthenticated => "503 5.5.1 Error: already authenticated\r\n"u8;

    public static ReadOnlySpan<byte> AuthSyntax => "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n"u8;

    // RFC 4954 4: an unknown or unavailable mechanism.
    public static ReadOnlySpan<byte> UnknownMechanism => "504 5.5.4 Unrecognized authentication type\r\n"u8;

    // RFC 4954 6: a plaintext mechanism before TLS.
    public static ReadOnlySpan<byte> EncryptionRequired => "538 5.7.11 Encryption required for requested authentication mechanism\r\n"u8;

    // Base64 challenge and CRLF follow (RFC 4954 4).
    public static ReadOnlySpan<byte> ChallengePrefix => "334 "u8;

    public static ReadOnlySpan<byte> AuthSucceeded => "235 2.7.0 Authentication successful\r\n"u8;

    // RFC 4954 6; the same reply whether the user exists or not (DESIGN contract 6), and during a lockout.
    public static ReadOnlySpan<byte> AuthFailed => "535 5.7.8 Authentication credentials invalid\r\n"u8;

    // RFC 4954 6: the credential check itself failed (account store unavailable).
    public static ReadOnlySpan<byte> AuthTemporaryFailure => "454 4.7.0 Temporary authentication failure\r\n"u8;

    public static ReadOnlySpan<byte> AuthCancelled => "501 5.0.0 Authentication cancelled\r\n"u8;

    public static ReadOnlySpan<byte> AuthMalformed => "501 5.5.2 Cannot decode response\r\n"u8;

    // RFC 4954 6: a response longer than the buffer for the mechanism.
    public static ReadOnlySpan<byte> AuthLineTooLong => "500 5.5.6 Authentication Exchange line is too long\r\n"u8;

    // RFC 4954 6: MAIL before AUTH where AUTH is required (submission, RFC 6409).
    public static ReadOnlySpan<byte> AuthRequired => "530 5.7.0 Authentication required\r\n"u8;

    public static ReadOnlySpan<byte> LocalSenderRejected => "550 5.7.1 Sender address rejected: authentication required for local senders\r\n"u8;

    // RFC 5321 3.1: the client waits for the greeting; talking first is a bot's trait.
    public static ReadOnlySpan<byte> EarlyTalker => "554 5.5.0 Protocol error: data sent before greeting\r\n"u8;
}
