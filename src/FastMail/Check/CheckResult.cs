namespace FastMail.Check;

internal enum CheckStatus
{
    Ok,
    Warn,
    Fail,
}

/// <summary>One line of `fastmail check`: what was checked, how it went, and what to do about it.</summary>
internal sealed record CheckResult(CheckStatus Status, string Name, string Message)
{
    public static CheckResult Ok(string name, string message) => new(CheckStatus.Ok, name, message);

    public static CheckResult Warn(string name, string message) => new(CheckStatus.Warn, name, message);

    public static CheckResult Fail(string name, string message) => new(CheckStatus.Fail, name, message);

    /// <summary>"OK   name: message", the status padded so the names line up.</summary>
    public override string ToString() => $"{StatusText,-4} {Name}: {Message}";

    private string StatusText => Status switch
    {
        CheckStatus.Ok => "OK",
        CheckStatus.Warn => "WARN",
        _ => "FAIL",
    };
}
