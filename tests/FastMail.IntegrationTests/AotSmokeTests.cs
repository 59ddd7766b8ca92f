using System.Diagnostics;
using FastMail.IntegrationTests.Harness;

namespace FastMail.IntegrationTests;

/// <summary>
/// FASTER's KV store, its log, checkpoints and recovery work under native AOT, with SpanByte and long keys
/// (Memory&lt;T&gt; keys take a reflection path that fails under AOT, microsoft/FASTER#923). The product uses only
/// FasterLog; this proves FasterKV before anything depends on it.
/// </summary>
public sealed class AotSmokeTests : IDisposable
{
    private const int Count = 1000;
    private readonly string _directory = TempDirectory.Create("it");

    public void Dispose() => TempDirectory.DeleteQuietly(_directory);

    [Fact]
    public async Task FasterKvAndLogSurviveKillMinus9AndRecoverUnderNativeAot()
    {
        var binary = await AotSmokeBinary.GetAsync();
        var data = Path.Combine(_directory, "data");

        await WriteCheckpointAndKillAsync(binary, data);

        var (exitCode, output) = await ExternalProcess.RunAsync(binary, ["verify", data, Count.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(exitCode == 0, "verify failed:\n" + output);
        Assert.Equal($"verified {Count} kv, {Count} log", output.Trim());

        // key-1000 was the first key written after the checkpoint: recovery restores the checkpoint, not what followed it.
        var (beyondExitCode, beyondOutput) = await ExternalProcess.RunAsync(binary, ["verify", data, (Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(1, beyondExitCode);
        Assert.Contains($"kv key-{Count} missing", beyondOutput, StringComparison.Ordinal);
        Assert.Contains($"log has {Count} committed entries, expected at least {Count + 1}", beyondOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyOnADirectoryWithoutACheckpointExitsNonZeroWithAMessage()
    {
        var binary = await AotSmokeBinary.GetAsync();

        var (exitCode, output) = await ExternalProcess.RunAsync(binary, ["verify", _directory, "10"]);

        Assert.Equal(1, exitCode);
        Assert.Equal("verify: recovery failed: Unable to find valid HybridLog token", output.Trim());
    }

    /// <summary>Runs `write`, waits for its checkpoint line, lets it write on for a moment, then kill -9.</summary>
    private static async Task WriteCheckpointAndKillAsync(string binary, string data)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("write");
        info.ArgumentList.Add(data);
        info.ArgumentList.Add(Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var writer = Process.Start(info)!;
        var log = new List<string>();
        var checkpointed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                log.Add(line);
            }

            if (line == $"checkpointed {Count}")
            {
                checkpointed.TrySetResult();
            }
        }

        writer.OutputDataReceived += (_, e) => OnLine(e.Data);
        writer.ErrorDataReceived += (_, e) => OnLine(e.Data);
        writer.EnableRaisingEvents = true;
        writer.Exited += (_, _) => checkpointed.TrySetException(new InvalidOperationException("write exited before its checkpoint:\n" + string.Join('\n', log)));
        writer.BeginOutputReadLine();
        writer.BeginErrorReadLine();
        try
        {
            await checkpointed.Task.WaitAsync(TimeSpan.FromSeconds(60));

            // Uncheckpointed overwrites, new keys and uncommitted log entries are in flight when the kill lands.
            await Task.Delay(200);
            Assert.False(writer.HasExited, "write stopped on its own before the kill:\n" + string.Join('\n', log));
        }
        finally
        {
            writer.Kill();
            await writer.WaitForExitAsync();
        }
    }
}
