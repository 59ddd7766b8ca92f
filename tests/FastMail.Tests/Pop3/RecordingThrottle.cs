using System.Collections.Concurrent;
using System.Net;
using FastMail.Core.Services;

namespace FastMail.Tests.Pop3;

/// <summary>
/// An <see cref="IAuthThrottle"/> that records every call in order ("begin ip account", "success ip account") and
/// refuses the accounts it is told to (or every attempt, with <see cref="LockedOut"/>).
/// </summary>
internal sealed class RecordingThrottle : IAuthThrottle
{
    private long _serial;

    public ConcurrentQueue<string> Calls { get; } = new();

    public HashSet<string> LockedAccounts { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool LockedOut { get; set; }

    public ValueTask<LoginAttempt> BeginAsync(IPAddress? address, string? account, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"begin {address} {account}");
        var admitted = !LockedOut && (account is null || !LockedAccounts.Contains(account));
        return ValueTask.FromResult(new LoginAttempt(admitted, address, account, Interlocked.Increment(ref _serial)));
    }

    public void Succeeded(in LoginAttempt attempt) => Calls.Enqueue($"success {attempt.Address} {attempt.Account}");
}
