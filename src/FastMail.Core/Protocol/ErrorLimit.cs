namespace FastMail.Core.Protocol;

/// <summary>
/// The one error-limit rule of SMTP and POP3 sessions. An error is every reply that refuses what the client sent: an
/// unknown verb, a command out of sequence, bad syntax, a line over the limit, a refused recipient or message number,
/// a failed or cancelled authentication. A failure on the server's side (a store or directory down: SMTP 4xx,
/// POP3 -ERR [SYS/TEMP]) is not the client's error and does not count. The limit-th error ends the session; a limit
/// of zero or less means no limit (the SMTP listener requires a positive one). Only the shape of the last reply differs, because
/// each protocol keeps the reply its clients know: SMTP sends the error and then 421 (RFC 5321 3.8 allows 421 at any
/// time), POP3 sends one "-ERR" that says it is closing in place of the error (RFC 1939 gives one reply per command).
/// </summary>
internal struct ErrorLimit
{
    private int _errors;

    /// <summary>Errors counted since the connection started.</summary>
    public readonly int Count => _errors;

    /// <summary>Counts one error; true when it reaches <paramref name="limit"/>: the caller writes its closing reply and ends the session.</summary>
    public bool CountAndCheck(int limit)
    {
        if (_errors < int.MaxValue)
        {
            _errors++;
        }

        return limit > 0 && _errors >= limit;
    }

    public void Reset() => _errors = 0;
}
