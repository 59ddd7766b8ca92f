namespace FastMail.Hosting.Admin;

/// <summary>
/// The answer to one admin request: text lines for the operator, then success or an error message. The server writes it
/// as the lines and a final `.ok` or `.error MESSAGE`; <see cref="AdminClient"/> reads it back into the same shape.
/// </summary>
internal sealed record AdminReply(IReadOnlyList<string> Lines, string? Error)
{
    public bool Succeeded => Error is null;

    public static AdminReply Ok(params IReadOnlyList<string> lines) => new(lines, null);

    public static AdminReply Fail(string message) => new([], message);
}
