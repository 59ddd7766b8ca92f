namespace FastMail.Relay;

/// <summary>Marks the assembly; the outbound queue, routing, the SMTP client and DSNs live in the folders beside it.</summary>
internal static class RelayAssembly
{
}
