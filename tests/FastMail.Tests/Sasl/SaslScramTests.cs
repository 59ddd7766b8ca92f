using FastMail.Core.Sasl;
using static FastMail.Tests.Sasl.SaslWire;

namespace FastMail.Tests.Sasl;

public sealed class SaslScramTests
{
    // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
    private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private readonly SaslTestCredentials _credentials = new SaslTestCredentials()
        .Add("user", "pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);

    [Fact]
    public async Task TheRfc7677TestVectorRunsByteForByte()
    {
        var server = RfcServer();

        var start = WireText(server.Start(SaslMechanism.ScramSha256));
        var first = await server.StepAsync(Line(ClientFirst), default);
        var serverFirst = Challenge(first);
        var final = await server.StepAsync(Line(ClientFinal), default);
        var serverFinal = Challenge(final);
        var done = await server.StepAsync(Raw(""), default);

        Assert.Equal("", start);
        Assert.Equal(SaslStatus.Continue, first.Status);
        Assert.Equal(ServerFirst, serverFirst);
        Assert.Equal(SaslStatus.Continue, final.Status);
        Assert.Equal(ServerFinal, serverFinal);
        Assert.Equal(SaslStatus.Succeeded, done.Status);
        Assert.Equal("user", done.AuthenticatedUser);
    }

    [Fact]
    public async Task AWrongProofFails()
    {
        var server = RfcServer();
        server.Start(SaslMechanism.ScramSha256);
        await server.StepAsync(Line(ClientFirst), default);

        var final = await server.StepAsync(Line(ClientFinal.Replace("p=dHzb", "p=dHzc", StringComparison.Ordinal)), default);

        Assert.Equal(SaslStatus.Failed, final.Status);
        Assert.True(final.Challenge.IsEmpty);
    }

    [Fact]
    public async Task AnUnknownUserLooksLikeAKnownOneUntilTheProofFails()
    {
        var known = await Exchange(new ScramTestClient("user", "wrong"));
        var unknown = await Exchange(new ScramTestClient("nobody", "wrong"));

        Assert.Equal(SaslStatus.Failed, known.Final.Status);
        Assert.Equal(SaslStatus.Failed, unknown.Final.Status);
        Assert.Equal(known.Final.Challenge.Length, unknown.Final.Challenge.Length);
        Assert.Equal(Shape(known.ServerFirst), Shape(unknown.ServerFirst));
    }

    [Fact]
    public async Task AnUnknownUserGetsTheSameSaltOnEveryAttempt()
    {
        var server = new SaslServerFactory(_credentials, new SaslServerOptions { ScramFakeIterations = 4096 });
        var first = await ServerFirstOf(server.Create(), "nobody");
        var again = await ServerFirstOf(server.Create(), "NOBODY");
        var other = await ServerFirstOf(server.Create(), "someone");

        Assert.Equal(first.Split(',')[1], again.Split(',')[1]);
        Assert.NotEqual(first.Split(',')[1], other.Split(',')[1]);
        Assert.EndsWith(",i=4096", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientWithTheRightPasswordSucceedsWithARandomServerNonce()
    {
        var client = new ScramTestClient("user", "pencil");
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.ScramSha256);

        var first = await server.StepAsync(Line(client.ClientFirst()), default);
        var final = await server.StepAsync(Line(client.ClientFinal(Challenge(first))), default);
        var done = await server.StepAsync(Raw("="), default);

        Assert.Equal(client.ExpectedServerFinal, Challenge(final));
        Assert.Equal(SaslStatus.Succeeded, done.Status);
    }

    [Fact]
    public async Task TheServerNonceIsFreshEachTime()
    {
        var a = await ServerFirstOf(NewServer(_credentials), "user");
        var b = await ServerFirstOf(NewServer(_credentials), "user");

        Assert.NotEqual(a.Split(',')[0], b.Split(',')[0]);
    }

    [Theory]
    [InlineData("y,,")]
    [InlineData("n,a=user,")]
    public async Task GsHeadersWithoutChannelBindingAreAccepted(string gs2)
    {
        var client = new ScramTestClient("user", "pencil", gs2Header: gs2);
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.ScramSha256);

        var first = await server.StepAsync(Line(client.ClientFirst()), default);
        var final = await server.StepAsync(Line(client.ClientFinal(Challenge(first))), default);

        Assert.Equal(SaslStatus.Continue, final.Status);
        Assert.Equal(client.ExpectedServerFinal, Challenge(final));
    }

    [Fact]
    public async Task ChannelBindingRequestsFailWithTheRfcServerError()
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.ScramSha256);

        var step = await server.StepAsync(Line("p=tls-exporter,,n=user,r=abc"), default);

        Assert.Equal(SaslStatus.Failed, step.Status);
        Assert.Equal("e=channel-binding-not-supported", Challenge(step));
    }

    [Fact]
    public async Task AnAuthzidForSomeoneElseFailsAtTheProofEvenWithTheRightPassword()
    {
        var (_, final) = await Exchange(new ScramTestClient("user", "pencil", gs2Header: "n,a=admin,"));

        Assert.Equal(SaslStatus.Failed, final.Status);
    }

    [Theory]
    [InlineData("n,a=user,")]
    [InlineData("n,a=USER@example.org,")]
    public async Task AnAuthzidNamingTheSameAccountInAnyFormSucceeds(string gs2Header)
    {
        var (_, final) = await Exchange(new ScramTestClient("user", "pencil", gs2Header: gs2Header));

        Assert.Equal(SaslStatus.Continue, final.Status);
    }

    [Theory]
    [InlineData("n=user,r=abc")]                 // no gs2 header
    [InlineData("x,,n=user,r=abc")]
    [InlineData("n,,r=abc,n=user")]              // attributes out of order
    [InlineData("n,,n=user")]                    // no nonce
    [InlineData("n,,n=user,r=")]                 // empty nonce
    [InlineData("n,,n=,r=abc")]                  // empty user
    [InlineData("n,,n=us=er,r=abc")]             // bad saslname escape
    [InlineData("n,,n=user,r=a b")]              // nonce not printable
    [InlineData("n,n=user,r=abc")]
    [InlineData("n,,n=user,r=abc,")]
    [InlineData("n,,n=user,r=abc,1=x")]
    public async Task MalformedClientFirstMessagesAreRejected(string message)
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.ScramSha256);

        var step = await server.StepAsync(Line(message), default);

        Assert.Equal(SaslStatus.MalformedInput, step.Status);
    }

    [Fact]
    public async Task AMandatoryExtensionIsRefused()
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.ScramSha256);

        var step = await server.StepAsync(Line("n,,m=x,n=user,r=abc"), default);

        Assert.Equal(SaslStatus.Failed, step.Status);
        Assert.Equal("e=extensions-not-supported", Challenge(step));
    }

    [Theory]
    [InlineData("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")]
    [InlineData("c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")]
    [InlineData("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN")]
    [InlineData("c=bi ws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")]
    public async Task MalformedClientFinalMessagesAreRejected(string message)
    {
        var server = RfcServer();
        server.Start(SaslMechanism.ScramSha256);
        await server.StepAsync(Line(ClientFirst), default);

        var step = await server.StepAsync(Line(message), default);

        Assert.Equal(SaslStatus.MalformedInput, step.Status);
    }

    [Fact]
    public async Task AChannelBindingThatDoesNotRepeatTheGs2HeaderFails()
    {
        var server = RfcServer();
        server.Start(SaslMechanism.ScramSha256);
        await server.StepAsync(Line(ClientFirst), default);

        var step = await server.StepAsync(Line(ClientFinal.Replace("c=biws", "c=eSws", StringComparison.Ordinal)), default);

        Assert.Equal(SaslStatus.Failed, step.Status);
        Assert.Equal("e=channel-bindings-dont-match", Challenge(step));
    }

    [Fact]
    public async Task ANonceThatIsNotTheServersFails()
    {
        var server = RfcServer();
        server.Start(SaslMechanism.ScramSha256);
        await server.StepAsync(Line(ClientFirst), default);

        var step = await server.StepAsync(Line(ClientFinal.Replace("$k0", "$k1", StringComparison.Ordinal)), default);

        Assert.Equal(SaslStatus.Failed, step.Status);
    }

    [Fact]
    public async Task ANonEmptyAnswerToTheServerSignatureIsMalformed()
    {
        var server = RfcServer();
        server.Start(SaslMechanism.ScramSha256);
        await server.StepAsync(Line(ClientFirst), default);
        await server.StepAsync(Line(ClientFinal), default);

        var step = await server.StepAsync(Line("ok"), default);

        Assert.Equal(SaslStatus.MalformedInput, step.Status);
        Assert.Null(step.AuthenticatedUser);
    }

    [Fact]
    public async Task AccountsWithFewerThan4096IterationsCannotUseScram()
    {
        var credentials = new SaslTestCredentials().Add("weak", "pw", iterations: 1000);
        var client = new ScramTestClient("weak", "pw");
        var server = NewServer(credentials);
        server.Start(SaslMechanism.ScramSha256);

        var first = await server.StepAsync(Line(client.ClientFirst()), default);
        var serverFirst = Challenge(first);
        var final = await server.StepAsync(Line(client.ClientFinal(serverFirst)), default);

        Assert.EndsWith(",i=4096", serverFirst, StringComparison.Ordinal);
        Assert.Equal(SaslStatus.Failed, final.Status);
    }

    private SaslServer RfcServer() => NewServer(_credentials, o => o.ServerNonceFactory = () => ServerNonce);

    private async Task<(string ServerFirst, SaslStep Final)> Exchange(ScramTestClient client)
    {
        var server = NewServer(_credentials);
        server.Start(SaslMechanism.ScramSha256);
        var first = await server.StepAsync(Line(client.ClientFirst()), default);
        var serverFirst = Challenge(first);
        var final = await server.StepAsync(Line(client.ClientFinal(serverFirst)), default);
        return (serverFirst, final);
    }

    private static async Task<string> ServerFirstOf(SaslServer server, string user)
    {
        server.Start(SaslMechanism.ScramSha256);
        var step = await server.StepAsync(Line($"n,,n={user},r=fixednonce"), default);
        Assert.Equal(SaslStatus.Continue, step.Status);
        return Challenge(step);
    }

    /// <summary>The message with the random parts (nonce, salt) reduced to their lengths.</summary>
    private static string Shape(string serverFirst) =>
        string.Join(',', serverFirst.Split(',').Select(a => a[..2] + (a[0] == 'i' ? a[2..] : a.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
}
