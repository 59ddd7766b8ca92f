using System.Text;
using FastMail.Core.Mail;

namespace FastMail.Tests.Mail;

public sealed class MailParametersTests
{
    [Theory]
    [InlineData("", "Ok")]
    [InlineData("SIZE=1000", "Ok")]
    [InlineData("size=1000000", "Ok")]
    [InlineData("BODY=7BIT", "Ok")]
    [InlineData("body=8bitmime", "Ok")]
    [InlineData("SMTPUTF8", "Ok")]
    [InlineData("SIZE=10 BODY=8BITMIME SMTPUTF8", "Ok")]
    [InlineData("SIZE=1000001", "TooBig")]
    [InlineData("SIZE=99999999999999999999", "TooBig")]
    [InlineData("SIZE=", "Syntax")]
    [InlineData("SIZE", "Syntax")]
    [InlineData("SIZE=-1", "Syntax")]
    [InlineData("SIZE=12a", "Syntax")]
    [InlineData("SIZE=999999999999999999999", "Syntax")]
    [InlineData("BODY=BINARYMIME", "Syntax")]
    [InlineData("BODY", "Syntax")]
    [InlineData("SMTPUTF8=yes", "Syntax")]
    [InlineData("AUTH=<>", "Unsupported")]
    [InlineData("RET=FULL", "Ok")]
    [InlineData("XRET=FULL", "Unsupported")]
    [InlineData("SIZE=10 XFOO", "Unsupported")]
    public void ParametersAreCheckedAgainstTheLimit(string parameters, string expected)
    {
        Assert.Equal(Enum.Parse<ParameterStatus>(expected), MailParameters.Check(Encoding.ASCII.GetBytes(parameters), maxMessageSize: 1_000_000));
    }

    [Theory]
    [InlineData("RET=FULL", "Ok", "None")]
    [InlineData("ret=hdrs", "Ok", "None")]
    [InlineData("ENVID=QQ314159", "Ok", "None")]
    [InlineData("ENVID=a+2Bb", "Ok", "None")]
    [InlineData("SIZE=10 RET=HDRS ENVID=x BODY=8BITMIME SMTPUTF8", "Ok", "None")]
    [InlineData("RET=", "Syntax", "Ret")]
    [InlineData("RET", "Syntax", "Ret")]
    [InlineData("RET=BODY", "Syntax", "Ret")]
    [InlineData("ENVID=", "Syntax", "EnvId")]
    [InlineData("ENVID", "Syntax", "EnvId")]
    [InlineData("ENVID=a=b", "Syntax", "EnvId")]
    [InlineData("ENVID=a+2b", "Syntax", "EnvId")]
    [InlineData("ENVID=a+", "Syntax", "EnvId")]
    [InlineData("RET=FULL RET=FULL", "Syntax", "Duplicate")]
    [InlineData("RET=FULL ret=HDRS", "Syntax", "Duplicate")]
    [InlineData("ENVID=a ENVID=b", "Syntax", "Duplicate")]
    [InlineData("SIZE=10 SIZE=10", "Syntax", "Duplicate")]
    [InlineData("BODY=7BIT BODY=8BITMIME", "Syntax", "Duplicate")]
    [InlineData("SMTPUTF8 SMTPUTF8", "Syntax", "Duplicate")]
    [InlineData("SIZE=x", "Syntax", "Value")]
    [InlineData("NOTIFY=NEVER", "Unsupported", "None")]
    public void DsnParametersAndDuplicatesAreCheckedAndTheFaultIsNamed(string parameters, string status, string error)
    {
        Assert.Equal(Enum.Parse<ParameterStatus>(status), MailParameters.Check(Encoding.ASCII.GetBytes(parameters), 1_000_000, out var actual));
        Assert.Equal(Enum.Parse<ParameterError>(error), actual);
    }

    [Fact]
    public void AnEnvelopeIdOfAHundredCharactersIsTheLongestAccepted()
    {
        Assert.Equal(ParameterStatus.Ok, MailParameters.Check(Encoding.ASCII.GetBytes("ENVID=" + new string('e', 100)), 1000, out _));
        Assert.Equal(ParameterStatus.Syntax, MailParameters.Check(Encoding.ASCII.GetBytes("ENVID=" + new string('e', 101)), 1000, out var error));
        Assert.Equal(ParameterError.EnvId, error);
    }
}
