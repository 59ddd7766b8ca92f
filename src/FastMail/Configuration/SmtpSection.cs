using System.Net;
using FastMail.Smtp;
using static FastMail.Configuration.ValueParsers;

namespace FastMail.Configuration;

/// <summary>The smtp.* keys: one <see cref="SmtpOptions"/> for all SMTP listeners, and where they listen.</summary>
internal sealed class SmtpSection
{
    /// <summary>The session options; the submission listeners use a copy with <see cref="SmtpOptions.RequireAuth"/> on.</summary>
    public required SmtpOptions Session { get; init; }

    public required IReadOnlyList<IPEndPoint> Listen { get; init; }

    public required IReadOnlyList<IPEndPoint> SubmissionListen { get; init; }

    public required IReadOnlyList<IPEndPoint> SmtpsListen { get; init; }

    public static SmtpSection Bind(ConfigValues values, string hostName) => new()
    {
        Session = new SmtpOptions
        {
            HostName = hostName,
            MaxMessageSize = Size(values, ConfigKeys.SmtpMaxMessageSize, 1024, 2L * 1024 * 1024 * 1024),
            MaxRecipients = Integer(values, ConfigKeys.SmtpMaxRecipients, 1, 100_000),
            MaxErrors = Integer(values, ConfigKeys.SmtpMaxErrors, 1, 1000),
            CommandTimeout = Duration(values, ConfigKeys.SmtpCommandTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            DataTimeout = Duration(values, ConfigKeys.SmtpDataTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            StrictAddresses = Boolean(values, ConfigKeys.SmtpStrictAddresses),
            AllowPlaintextAuthWithoutTls = Boolean(values, ConfigKeys.SmtpAllowPlaintextAuth),
            LocalSenderPolicy = Choice<LocalSenderPolicy>(values, ConfigKeys.SmtpLocalSenderPolicy),
            GreetingDelay = Duration(values, ConfigKeys.SmtpGreetingDelay, TimeSpan.Zero, TimeSpan.FromMinutes(5)),
            MinDataRate = Size(values, ConfigKeys.SmtpMinDataRate, 0, 1024L * 1024 * 1024),
        },
        Listen = EndPoints(values, ConfigKeys.SmtpListen),
        SubmissionListen = EndPoints(values, ConfigKeys.SubmissionListen),
        SmtpsListen = EndPoints(values, ConfigKeys.SmtpsListen),
    };
}
