namespace FastMail;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("fastmail");
        return args.Length == 0 ? 0 : 0;
    }
}
