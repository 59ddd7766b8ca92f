using System.Buffers;
using FastMail.Core.Diagnostics;
using FastMail.Core.Mail;
using FastMail.Core.Protocol;
using FastMail.Core.Services;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>
/// The envelope: MAIL FROM and RCPT TO (RFC 5321 4.1.1.2, 4.1.1.3). Where a recipient goes, and whether it has room, is
/// the delivery step's verdict; this file turns it into the reply.
/// </summary>
internal sealed partial class SmtpSession
{
    // Kept for the session's lifetime and cleared per transaction: its buffers are reused.
    private readonly Envelope _envelope = new();

    // AcceptAndMark: the message gets X-FastMail-Unauthenticated-Sender.
    private bool _markUnauthenticated;

    private ProcessResult MailFrom(ReadOnlySpan<byte> arguments)
    {
        if (_needHelo)
        {
            return Error(SmtpReplies.NeedEhlo);
        }

        if (_context.Options.RequireAuth && _user is null)
        {
            return Error(SmtpReplies.AuthRequired);
        }

        var status = MailAddressParser.TryParsePath(arguments, "from:"u8, _context.Options.StrictAddresses, allowNullPath: true, out var address, out var parameters);
        if (status != PathStatus.Ok)
        {
            return Error(status == PathStatus.Syntax ? SmtpReplies.MailSyntax : SmtpReplies.BadSenderAddress);
        }

        switch (MailParameters.Check(parameters, _context.Options.MaxMessageSize, out var parameterError))
        {
            case ParameterStatus.Syntax:
                return Error(ParameterReply(parameterError));
            case ParameterStatus.Unsupported:
                return Error(SmtpReplies.UnsupportedParameter);
            case ParameterStatus.TooBig:
                // RFC 1870 6.2: refuse at MAIL what would be refused after DATA anyway.
                _context.Metrics.MessageRejected(RejectReason.Size);
                return Reply(SmtpReplies.MessageTooBig);
        }

        var senderIsNull = address.IsEmpty;
        MailAddressParser.Split(address, out var local, out var domain);

        // A local domain in MAIL FROM without AUTH: the first thing a forger writes. An unqualified sender is local too.
        _markUnauthenticated = false;
        if (!senderIsNull && _user is null && _context.Options.LocalSenderPolicy != LocalSenderPolicy.Accept
            && (domain.IsEmpty || _context.Directory.IsLocalDomain(domain)))
        {
            if (_context.Options.LocalSenderPolicy == LocalSenderPolicy.Reject)
            {
                _context.Metrics.MessageRejected(RejectReason.Policy);
                return Error(SmtpReplies.LocalSenderRejected);
            }

            _markUnauthenticated = true;
        }

        _envelope.SetSender(address, senderIsNull || !domain.IsEmpty ? default : _context.PrimaryDomain, parameters);
        _transaction = TransactionState.HaveSender;
        _transactionStarted = _context.Time.GetTimestamp();
        return Reply(SmtpReplies.SenderOk);
    }

    private ProcessResult RcptTo(ReadOnlySpan<byte> arguments)
    {
        var status = MailAddressParser.TryParsePath(arguments, "to:"u8, _context.Options.StrictAddresses, allowNullPath: false, out var address, out var parameters);
        if (status != PathStatus.Ok)
        {
            return Error(status == PathStatus.Syntax ? SmtpReplies.RcptSyntax : SmtpReplies.BadRecipientAddress);
        }

        // RFC 3461 4.1, 4.2: NOTIFY and ORCPT; they are stored with the recipient as sent, for the DSNs of the relay.
        switch (RcptParameters.Check(parameters, out var parameterError))
        {
            case ParameterStatus.Syntax:
                return Error(ParameterReply(parameterError));
            case ParameterStatus.Unsupported:
                return Error(SmtpReplies.UnsupportedParameter);
        }

        if (_envelope.RecipientCount >= _context.Options.MaxRecipients)
        {
            // RFC 5321 4.5.3.1.10: 452, so the client sends the rest in another transaction.
            _context.Metrics.MessageRejected(RejectReason.Recipients);
            return Reply(SmtpReplies.TooManyRecipients);
        }

        MailAddressParser.Split(address, out var local, out var domain);
        var qualifiedDomain = domain.IsEmpty ? _context.PrimaryDomain : domain;
        switch (_context.Delivery.ResolveRecipient(local, domain, _remote?.Address, _user, out var mailbox))
        {
            case RecipientVerdict.Local:
                // Stored qualified, as the Received header and the stored envelope show it.
                _envelope.AddRecipient(address, domain.IsEmpty ? qualifiedDomain : default, parameters, mailbox);
                _transaction = TransactionState.HaveRecipients;
                return Reply(SmtpReplies.RecipientOk);

            case RecipientVerdict.MailboxFull:
                // Temporary and not the client's fault: not counted as an error.
                _context.Metrics.MessageRejected(RejectReason.Quota);
                Output.WriteQuoting(SmtpReplies.MailboxFullPrefix, address, SmtpReplies.MailboxFullSuffix);
                NoteRefusal(SmtpReplies.MailboxFullPrefix, address, SmtpReplies.MailboxFullSuffix);
                return ProcessResult.Continue;

            case RecipientVerdict.UnknownUser:
                Output.Write(SmtpReplies.UserUnknownPrefix);
                Output.Write(local);
                Output.Write("@"u8);
                Output.Write(qualifiedDomain);
                Output.Write(SmtpReplies.UserUnknownSuffix);
                NoteRefusal(SmtpReplies.UserUnknownPrefix, address, SmtpReplies.UserUnknownSuffix);
                _context.Metrics.MessageRejected(RejectReason.UnknownUser);
                return CountError();

            case RecipientVerdict.RelayUnavailable:
                Output.WriteQuoting(SmtpReplies.RelayUnavailablePrefix, address, SmtpReplies.RelayUnavailableSuffix);
                NoteRefusal(SmtpReplies.RelayUnavailablePrefix, address, SmtpReplies.RelayUnavailableSuffix);
                _context.Metrics.MessageRejected(RejectReason.TempFailure);
                return CountError();

            default:
                Output.WriteQuoting(SmtpReplies.RelayDeniedPrefix, address, SmtpReplies.RelayDeniedSuffix);
                NoteRefusal(SmtpReplies.RelayDeniedPrefix, address, SmtpReplies.RelayDeniedSuffix);
                _context.Metrics.MessageRejected(RejectReason.RelayDenied);
                return CountError();
        }
    }

    private static ReadOnlySpan<byte> ParameterReply(ParameterError error) => error switch
    {
        ParameterError.Duplicate => SmtpReplies.DuplicateParameter,
        ParameterError.Ret => SmtpReplies.RetSyntax,
        ParameterError.EnvId => SmtpReplies.EnvIdSyntax,
        ParameterError.Notify => SmtpReplies.NotifySyntax,
        ParameterError.Orcpt => SmtpReplies.OrcptSyntax,
        _ => SmtpReplies.BadParameterSyntax,
    };
}
