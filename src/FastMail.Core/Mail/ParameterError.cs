namespace FastMail.Core.Mail;

/// <summary>
/// Which parameter a <see cref="ParameterStatus.Syntax"/> outcome is about, so the 501 can say what was wrong
/// (RFC 3461 DSN parameters each get their own text). <see cref="None"/> for every other outcome.
/// </summary>
public enum ParameterError : byte
{
    None,

    /// <summary>A keyword given twice in one command (RFC 5321 4.1.2 lists each at most once; RFC 3461 4).</summary>
    Duplicate,

    /// <summary>SIZE, BODY or SMTPUTF8 with a bad value.</summary>
    Value,

    /// <summary>RET other than FULL or HDRS (RFC 3461 4.3).</summary>
    Ret,

    /// <summary>ENVID that is not xtext or is longer than 100 characters (RFC 3461 4.4).</summary>
    EnvId,

    /// <summary>NOTIFY other than NEVER alone or a list of SUCCESS, FAILURE, DELAY (RFC 3461 4.1).</summary>
    Notify,

    /// <summary>ORCPT not of the form addr-type ";" xtext, or too long (RFC 3461 4.2).</summary>
    Orcpt,
}
