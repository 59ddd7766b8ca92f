namespace FastMail.Pop3.Parsing;

/// <summary>The POP3 commands this server knows (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH).</summary>
internal enum Pop3Verb : byte
{
    Unknown,
    User,
    Pass,
    Apop,
    Auth,
    Capa,
    Quit,
    Stat,
    List,
    Retr,
    Dele,
    Noop,
    Rset,
    Top,
    Uidl,
    Stls,
}
