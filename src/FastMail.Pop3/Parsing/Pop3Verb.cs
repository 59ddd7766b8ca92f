namespace FastMail.Pop3.Parsing;

/// <summary>The POP3 commands this server knows (RFC 1939 and RFC 2449 CAPA; AUTH is recognised to refuse it).</summary>
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
}
