using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class UntrustedTextTests
{
    [Theory]
    [InlineData("abc\r\nFAKE LOG LINE", "abc\\u000d\\u000aFAKE LOG LINE")]
    [InlineData("a\u2028b", "a\\u2028b")]
    [InlineData("\u001b[31mred", "\\u001b[31mred")]
    [InlineData(null, "")]
    public void Control_characters_are_escaped_so_one_value_cannot_forge_a_log_line(string? value, string expected)
    {
        Assert.Equal(expected, UntrustedText.ForLog(value));
    }

    [Fact]
    public void Long_values_are_cut_at_256_characters()
    {
        var logged = UntrustedText.ForLog(new string('x', 10_000));

        Assert.Equal(257, logged.Length);
        Assert.EndsWith("…", logged, StringComparison.Ordinal);
    }
}
