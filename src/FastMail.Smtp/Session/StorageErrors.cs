namespace FastMail.Smtp.Session;

/// <summary>Tells a full disk apart from other store failures, so the reply can say which (RFC 3463 4.3.1 vs 4.3.0).</summary>
internal static class StorageErrors
{
    // errno ENOSPC on Linux (and EDQUOT, a filesystem quota, which a sender should treat the same way).
    private const int Enospc = 28;
    private const int Edquot = 122;

    /// <summary>True when <paramref name="exception"/> or one it wraps is an I/O error for lack of space.</summary>
    public static bool IsDiskFull(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++, exception = exception.InnerException)
        {
            if (exception is IOException)
            {
                // .NET on Unix puts the errno in the low word of HResult for the IOExceptions it raises from syscalls.
                var code = exception.HResult & 0xFFFF;
                if (code is Enospc or Edquot || exception.Message.Contains("No space left on device", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
