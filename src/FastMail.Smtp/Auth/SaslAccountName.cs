using System.Buffers;
using System.Buffers.Text;
using System.Text;
using FastMail.Core.Sasl;

namespace FastMail.Smtp.Auth;

/// <summary>
/// The account name a client is trying, read from its first SASL response, so the throttle can count failures per
/// account as well as per address (<see cref="Core.Services.IAuthThrottle"/>). Only the name is looked at; a
/// response that does not decode gives null and the throttle keys on the address alone.
/// </summary>
internal static class SaslAccountName
{
    // Longer names are cut: they are throttle keys, not identities, and must stay small.
    private const int MaxNameLength = 255;

    /// <summary>The authentication identity in <paramref name="firstResponse"/> (base64, as sent), or null.</summary>
    public static string? Find(SaslMechanism mechanism, ReadOnlySpan<byte> firstResponse)
    {
        if (firstResponse.IsEmpty || firstResponse.Length % 4 != 0)
        {
            return null;
        }

        var decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(firstResponse.Length));
        try
        {
            if (Base64.DecodeFromUtf8(firstResponse, decoded, out _, out var length) != OperationStatus.Done)
            {
                return null;
            }

            var message = decoded.AsSpan(0, length);
            var name = mechanism switch
            {
                SaslMechanism.Plain => Plain(message),       // RFC 4616: [authzid] NUL authcid NUL passwd
                SaslMechanism.Login => message,              // the answer to "Username:"
                _ => Scram(message),                         // RFC 5802: gs2-header "n=" user "," ...
            };
            return name.IsEmpty ? null : Encoding.UTF8.GetString(name[..Math.Min(name.Length, MaxNameLength)]);
        }
        finally
        {
            // The PLAIN response held the password.
            Array.Clear(decoded);
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    private static ReadOnlySpan<byte> Plain(ReadOnlySpan<byte> message)
    {
        var first = message.IndexOf((byte)0);
        if (first < 0)
        {
            return default;
        }

        var rest = message[(first + 1)..];
        var second = rest.IndexOf((byte)0);
        return second < 0 ? default : rest[..second];
    }

    private static ReadOnlySpan<byte> Scram(ReadOnlySpan<byte> message)
    {
        // gs2-header = cbind-flag "," [authzid] ","
        var first = message.IndexOf((byte)',');
        if (first < 0)
        {
            return default;
        }

        var afterFlag = message[(first + 1)..];
        var second = afterFlag.IndexOf((byte)',');
        if (second < 0)
        {
            return default;
        }

        var bare = afterFlag[(second + 1)..];
        if (!bare.StartsWith("n="u8))
        {
            return default;
        }

        var name = bare[2..];
        var end = name.IndexOf((byte)',');
        return end < 0 ? name : name[..end];
    }
}
