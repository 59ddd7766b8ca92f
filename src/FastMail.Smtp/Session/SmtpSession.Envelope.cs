using System.Buffers;
using FastMail.Core.Mail;
using FastMail.Smtp.Replies;

namespace FastMail.Smtp.Session;

/// <summary>The envelope: MAIL FROM and RCPT TO (RFC 5321 4.1.1.2, 4.1.1.3), local delivery and relay policy.</summary>
internal sealed partial class SmtpSession
{
    // AcceptAndMark: the message gets X-FastMail-Unauthenticated-Sender.
    private bool _markUnauthenticated;

    private ProcessResult MailFrom(ReadOnlySpan<byte> arguments)
    {
        if (_needHelo)
        {
            return Error(SmtpReplies.NeedEhlo);
        }

        if (_context.RequireAuth && _user is null)
        {
            return Error(SmtpReplies.AuthRequired);
        }

        var status = MailAddressParser.TryParsePath(arguments, "from:"u8, _context.Strict, allowNullPath: true, out var address, out var parameters);
        if (status != PathStatus.Ok)
        {
            return Error(status == PathStatus.Syntax ? SmtpReplies.MailSyntax : SmtpReplies.BadSenderAddress);
        }

        switch (MailParameters.Check(parameters, _context.MaxMessageSize))
        {
            case ParameterStatus.Syntax:
                return Error(SmtpReplies.BadParameterSyntax);
            case ParameterStatus.Unsupported:
                return Error(SmtpReplies.UnsupportedParameter);
            case ParameterStatus.TooBig:
                // RFC 1870 6.2: refuse at MAIL what would be refused after DATA anyway.
                return Reply(SmtpReplies.MessageTooBig);
        }

        _senderIsNull = address.IsEmpty;
        MailAddressParser.Split(address, out var local, out var domain);

        // A local domain in MAIL FROM without AUTH: the first thing a forger writes. An unqualified sender is local too.
        _markUnauthenticated = false;
        if (!_senderIsNull && _user is null && _context.LocalSenderPolicy != LocalSenderPolicy.Accept
            && (domain.IsEmpty || _context.Directory.IsLocalDomain(domain)))
        {
            if (_context.LocalSenderPolicy == LocalSenderPolicy.Reject)
            {
                return Error(SmtpReplies.LocalSenderRejected);
            }

            _markUnauthenticated = true;
        }

        if (_senderIsNull || !domain.IsEmpty)
        {
            _sender.Set(address);
        }
        else
        {
            _sender.Set(local, _context.PrimaryDomain);
        }

        _transaction = TransactionState.HaveSender;
        return Reply(SmtpReplies.SenderOk);
    }

    private ProcessResult RcptTo(ReadOnlySpan<byte> arguments)
    {
        var status = MailAddressParser.TryParsePath(arguments, "to:"u8, _context.Strict, allowNullPath: false, out var address, out var parameters);
        if (status != PathStatus.Ok)
        {
            return Error(status == PathStatus.Syntax ? SmtpReplies.RcptSyntax : SmtpReplies.BadRecipientAddress);
        }

        // No RCPT extension (DSN NOTIFY/ORCPT) is advertised, so any parameter is unsupported.
        if (!parameters.IsEmpty)
        {
            return Error(SmtpReplies.UnsupportedParameter);
        }

        if (_recipientCount >= _context.MaxRecipients)
        {
            // RFC 5321 4.5.3.1.10: 452, so the client sends the rest in another transaction.
            return Reply(SmtpReplies.TooManyRecipients);
        }

        MailAddressParser.Split(address, out var local, out var domain);
        var qualifiedDomain = domain.IsEmpty ? _context.PrimaryDomain : domain;
        if (domain.IsEmpty || _context.Directory.IsLocalDomain(domain))
        {
            return AcceptLocal(local, qualifiedDomain, address);
        }

        // DESIGN contract 5: never an open relay.
        var mayRelay = _context.RelayPolicy.MayRelay(_remote?.Address, _user);
        ReplyWriter.WriteAddressReply(
            Output,
            mayRelay ? SmtpReplies.RelayUnavailablePrefix : SmtpReplies.RelayDeniedPrefix,
            address,
            mayRelay ? SmtpReplies.RelayUnavailableSuffix : SmtpReplies.RelayDeniedSuffix);
        return CountError();
    }

    private ProcessResult AcceptLocal(ReadOnlySpan<byte> local, ReadOnlySpan<byte> domain, ReadOnlySpan<byte> address)
    {
        if (!_context.Directory.TryFindMailbox(local, out var mailbox))
        {
            Output.Write(SmtpReplies.UserUnknownPrefix);
            Output.Write(local);
            Output.Write("@"u8);
            Output.Write(domain);
            Output.Write(SmtpReplies.UserUnknownSuffix);
            return CountError();
        }

        // RFC 3463 4.2.2, temporary: the sender retries, and the mail gets in once the owner made room (e.g. POP3 DELE+QUIT).
        if (Quotas.IsFull(_context.Directory, _context.Store, mailbox))
        {
            ReplyWriter.WriteAddressReply(Output, SmtpReplies.MailboxFullPrefix, address, SmtpReplies.MailboxFullSuffix);
            return ProcessResult.Continue;
        }

        // One stored copy per mailbox, however many of its addresses were named (the directory hands out one instance).
        if (!ContainsMailbox(mailbox))
        {
            _mailboxes.Add(mailbox);
        }

        if (_recipientCount++ == 0)
        {
            if (address.LastIndexOf((byte)'@') < 0)
            {
                _firstRecipient.Set(local, domain);
            }
            else
            {
                _firstRecipient.Set(address);
            }
        }

        _transaction = TransactionState.HaveRecipients;
        return Reply(SmtpReplies.RecipientOk);
    }

    private bool ContainsMailbox(string mailbox)
    {
        foreach (var existing in _mailboxes)
        {
            if (string.Equals(existing, mailbox, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
