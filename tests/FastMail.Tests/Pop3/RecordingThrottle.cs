using System.Collections.Concurrent;
using System.Net;
using FastMail.Core.Services;

namespace FastMail.Tests.Pop3;

/// <summary>
/// An <see cref="IAuthThrottle"/> that records every call in order ("begin ip account", "success ip account",
/// "failure ip account") and
/// refuses the accounts it is told to (or every attempt, with <see cref="LockedOut"/>).
/// </summary>
internal sealed class RecordingThrottle : IAuthThrottle
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public HashSet<string> LockedAccounts { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool LockedOut { get; set; }

    public ValueTask<LoginAttempt> BeginAsync(IPAddress? address, string? account, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"begin {address} {account}");
        var admitted = !LockedOut && (account is null || !LockedAccounts.Contains(account));
        return ValueTask.FromResult(new LoginAttempt(admitted, address, account));
    }

    public void Complete(in LoginAttempt attempt, bool succeeded) =>
        Calls.Enqueue($"{(succeeded ? "success" : "failure")} {attempt.Address} {attempt.Account}");
}
