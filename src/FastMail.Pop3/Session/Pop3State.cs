namespace FastMail.Pop3.Session;

/// <summary>RFC 1939 3: the session states. UPDATE is entered only by QUIT in TRANSACTION and ends the session.</summary>
internal enum Pop3State : byte
{
    Authorization,
    Transaction,
    Update,
}
