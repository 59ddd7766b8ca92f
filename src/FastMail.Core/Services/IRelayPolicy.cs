using System.Net;

namespace FastMail.Core.Services;

/// <summary>Decides who may send mail to non-local domains (DESIGN.md contract 5: never an open relay).</summary>
public interface IRelayPolicy
{
    /// <summary>True when a client at <paramref name="remote"/> may relay; <paramref name="authenticatedUser"/> is null before AUTH.</summary>
    bool MayRelay(IPAddress? remote, string? authenticatedUser);
}
