using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FastMail.Testing.Relay;

/// <summary>
/// A tiny authoritative-looking DNS responder over UDP on 127.0.0.1 (ephemeral port) for resolver tests: answers MX, A
/// and AAAA from what the test added, NXDOMAIN for names it knows nothing of, and can be told to answer SERVFAIL or
/// nothing at all (a timeout) for a name. Names are case-insensitive and written without the trailing dot.
/// </summary>
internal sealed class TestDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1;
    private const ushort TypeMx = 15;
    private const ushort TypeAaaa = 28;

    private readonly UdpClient _udp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, List<(ushort Type, byte[] Data)>> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Behaviour> _behaviours = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _queries = new();

    public TestDnsServer()
    {
        _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_udp.Client.LocalEndPoint!;
        _loop = Task.Run(ServeAsync);
    }

    private enum Behaviour
    {
        ServFail,
        Silent,
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Every question received, as "TYPE name" (e.g. "MX example.org"), in order.</summary>
    public IReadOnlyList<string> Queries => _queries.ToArray();

    public TestDnsServer AddMx(string domain, int preference, string exchange)
    {
        var name = EncodeName(exchange);
        var data = new byte[2 + name.Length];
        BinaryPrimitives.WriteUInt16BigEndian(data, (ushort)preference);
        name.CopyTo(data, 2);
        Add(domain, TypeMx, data);
        return this;
    }

    /// <summary>Adds an A or AAAA record, whichever the address is.</summary>
    public TestDnsServer AddAddress(string name, string address)
    {
        var ip = IPAddress.Parse(address);
        Add(name, ip.AddressFamily == AddressFamily.InterNetwork ? TypeA : TypeAaaa, ip.GetAddressBytes());
        return this;
    }

    /// <summary>The name exists but has no records of any asked type (NOERROR, empty answer).</summary>
    public TestDnsServer AddEmpty(string name)
    {
        _records.GetOrAdd(name, _ => []);
        return this;
    }

    public TestDnsServer ServFail(string name)
    {
        _behaviours[name] = Behaviour.ServFail;
        return this;
    }

    public TestDnsServer Silent(string name)
    {
        _behaviours[name] = Behaviour.Silent;
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private void Add(string name, ushort type, byte[] data)
    {
        var list = _records.GetOrAdd(name, _ => []);
        lock (list)
        {
            list.Add((type, data));
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP port unreachable from an earlier reply surfaces here on some platforms.
            }

            var response = Answer(request.Buffer);
            if (response is not null)
            {
                try
                {
                    await _udp.SendAsync(response, request.RemoteEndPoint, _stop.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }
    }

    // RFC 1035 4.1: header (12 octets), one question (name, type, class); additional records (an EDNS OPT) are ignored.
    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(4)) != 1)
        {
            return null;
        }

        var offset = 12;
        var labels = new List<string>();
        while (offset < query.Length && query[offset] != 0)
        {
            int length = query[offset];
            if (offset + 1 + length > query.Length)
            {
                return null;
            }

            labels.Add(Encoding.ASCII.GetString(query, offset + 1, length));
            offset += 1 + length;
        }

        offset++;
        if (offset + 4 > query.Length)
        {
            return null;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(offset));
        var questionEnd = offset + 4;
        var name = string.Join('.', labels);
        _queries.Enqueue($"{TypeName(type)} {name}");

        var rcode = 0;
        var answers = new List<byte[]>();
        if (_behaviours.TryGetValue(name, out var behaviour))
        {
            if (behaviour == Behaviour.Silent)
            {
                return null;
            }

            rcode = 2; // SERVFAIL
        }
        else if (!_records.TryGetValue(name, out var records))
        {
            rcode = 3; // NXDOMAIN
        }
        else
        {
            lock (records)
            {
                answers.AddRange(records.Where(r => r.Type == type).Select(r => r.Data));
            }
        }

        using var response = new MemoryStream();
        Span<byte> header = stackalloc byte[12];
        query.AsSpan(0, 2).CopyTo(header); // ID
        // QR, opcode 0, AA, RD copied from the query, RA, and the rcode.
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(0x8400 | (query[2] & 0x01) << 8 | 0x80 | rcode));
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)answers.Count);
        response.Write(header);
        response.Write(query, 12, questionEnd - 12);
        Span<byte> fixedPart = stackalloc byte[12];
        foreach (var data in answers)
        {
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart, 0xC00C); // pointer to the question's name
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[2..], type);
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[4..], 1); // IN
            BinaryPrimitives.WriteUInt32BigEndian(fixedPart[6..], 60); // TTL
            BinaryPrimitives.WriteUInt16BigEndian(fixedPart[10..], (ushort)data.Length);
            response.Write(fixedPart);
            response.Write(data);
        }

        return response.ToArray();
    }

    private static byte[] EncodeName(string name)
    {
        using var bytes = new MemoryStream();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.WriteByte((byte)label.Length);
            bytes.Write(Encoding.ASCII.GetBytes(label));
        }

        bytes.WriteByte(0);
        return bytes.ToArray();
    }

    private static string TypeName(ushort type) => type switch
    {
        TypeA => "A",
        TypeMx => "MX",
        TypeAaaa => "AAAA",
        _ => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
