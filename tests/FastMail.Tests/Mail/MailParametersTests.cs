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
}
