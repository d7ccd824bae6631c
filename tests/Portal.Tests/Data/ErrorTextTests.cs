using Portal.Data;

namespace Portal.Tests.Data;

/// <summary>Every column with a length limit keeps text cut the same visible way.</summary>
public sealed class ErrorTextTests
{
    [Fact]
    public void Text_that_fits_is_kept_as_it_is()
    {
        Assert.Equal("Sentry answered 403", ErrorText.Cut("Sentry answered 403", 19));
    }

    [Fact]
    public void Longer_text_ends_in_an_ellipsis_and_fills_the_limit_exactly()
    {
        var cut = ErrorText.Cut(new string('x', 500), 200);

        Assert.Equal(200, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        Assert.Equal(new string('x', 199), cut[..^1]);
    }

    [Fact]
    public void A_surrogate_pair_is_never_split()
    {
        // "😀" is two UTF-16 units; at the cut it would leave a lone high surrogate.
        var text = new string('a', 8) + "😀" + "tail";

        var cut = ErrorText.Cut(text, 10);

        Assert.Equal(new string('a', 8) + "…", cut);
        Assert.DoesNotContain(cut, char.IsHighSurrogate);
    }

    [Fact]
    public void Errors_are_kept_to_the_column_length()
    {
        var error = ErrorText.Truncate(new string('e', ErrorText.MaxLength + 1));

        Assert.Equal(ErrorText.MaxLength, error.Length);
        Assert.EndsWith("…", error, StringComparison.Ordinal);
    }
}
