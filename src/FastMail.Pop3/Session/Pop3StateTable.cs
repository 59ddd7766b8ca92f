using FastMail.Pop3.Parsing;

namespace FastMail.Pop3.Session;

/// <summary>The protocol on one screen: which command is valid in which state (RFC 1939 4-7, RFC 2449 5 for CAPA, RFC 2595 4 for STLS, RFC 5034 4 for AUTH).</summary>
internal static class Pop3StateTable
{
    public static bool IsAllowed(Pop3State state, Pop3Verb verb) => (state, verb) switch
    {
        // RFC 2449 5: CAPA is valid in every state; QUIT ends AUTHORIZATION and TRANSACTION alike.
        (_, Pop3Verb.Capa or Pop3Verb.Quit) => true,

        // RFC 2595 4: STLS only in AUTHORIZATION; RFC 5034 4: AUTH likewise.
        (Pop3State.Authorization, Pop3Verb.User or Pop3Verb.Pass or Pop3Verb.Apop or Pop3Verb.Auth or Pop3Verb.Stls) => true,

        (Pop3State.Transaction, Pop3Verb.Stat or Pop3Verb.List or Pop3Verb.Retr or Pop3Verb.Dele or Pop3Verb.Noop
            or Pop3Verb.Rset or Pop3Verb.Top or Pop3Verb.Uidl) => true,

        _ => false,
    };
}
