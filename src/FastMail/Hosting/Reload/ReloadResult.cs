namespace FastMail.Hosting.Reload;

/// <summary>The outcome of one reload: refused with a reason, or the changes applied and those waiting for a restart.</summary>
internal sealed record ReloadResult(
    bool Succeeded,
    string? Error,
    IReadOnlyList<ConfigChange> Applied,
    IReadOnlyList<ConfigChange> NeedsRestart,
    string? NewCertificateThumbprint)
{
    public static ReloadResult Refused(string error) => new(false, error, [], [], null);
}
