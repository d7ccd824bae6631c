namespace Portal.Simulator;

/// <summary>
/// The option loop the simulator and the bench share: each option name is handed to <c>apply</c> with a function
/// that takes its value; a <see cref="FormatException"/> from either becomes the message shown to the user.
/// </summary>
public static class CommandLine
{
    /// <summary>Folds <paramref name="args"/> into <paramref name="initial"/>; on a mistake returns null and <paramref name="error"/>.</summary>
    public static T? Parse<T>(IReadOnlyList<string> args, T initial, Func<T, string, Func<string>, T> apply, out string? error)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(apply);
        var options = initial;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            var position = i;
            string Value()
            {
                if (position + 1 >= args.Count)
                {
                    throw new FormatException($"{name} needs a value.");
                }

                return args[++position];
            }

            try
            {
                options = apply(options, name, Value);
            }
            catch (FormatException exception)
            {
                error = exception.Message;
                return null;
            }

            i = position;
        }

        return options;
    }
}
