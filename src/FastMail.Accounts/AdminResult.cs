namespace FastMail.Accounts;

/// <summary>Why an admin operation was refused.</summary>
public enum AdminError
{
    None,
    InvalidUserName,
    UserExists,
    UserNotFound,
    InvalidPassword,
    InvalidApopSecret,
    InvalidDomain,
    DomainExists,
    DomainNotFound,
    PrimaryDomain,
    InvalidQuota,
    InvalidAlias,
    InvalidAliasTarget,
    AliasNotFound,
    AliasTargetExists,
    AliasTargetNotFound,

    /// <summary>The change would leave an alias resolving to nothing, or form a cycle (the message says which).</summary>
    InUse,
}

/// <summary>
/// The outcome of an <see cref="AccountAdmin"/> change: <see cref="Message"/> is fit to print as is
/// ("user 'bob' added", "user 'bob' already exists"). The CLI prints it and exits non-zero unless <see cref="Succeeded"/>.
/// </summary>
public readonly record struct AdminResult(AdminError Error, string Message)
{
    public bool Succeeded => Error == AdminError.None;

    public static AdminResult Ok(string message) => new(AdminError.None, message);

    public static AdminResult Fail(AdminError error, string message) => new(error, message);
}

/// <summary>One line of <see cref="AccountAdmin.ListUsers"/>.</summary>
/// <param name="QuotaBytes">The user's own quota (0 unlimited), or null when the configured default applies.</param>
public sealed record UserSummary(string Name, bool HasApopSecret, bool IsAdmin = false, long? QuotaBytes = null);

/// <summary>One line of <see cref="AccountAdmin.ListAliases"/>: the alias address and its targets as stored.</summary>
public sealed record AliasSummary(string Address, IReadOnlyList<string> Targets);
