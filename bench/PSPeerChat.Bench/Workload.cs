using System;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;

namespace PSPeerChat.Bench
{
    /// <summary>
    /// What the flood sends: the 100-byte payload (kind, send stamp, message number, origin, run) and its parsing,
    /// and the sender thread that broadcasts message k from node k mod N, unpaced or paced at --rate.
    /// </summary>
    internal sealed class Workload
    {
        public const int PayloadLength = 100;

        private readonly PeerNode[] _nodes;
        private readonly int _run;
        private readonly int _n;
        private readonly int _m;
        private readonly double _rate;
        private readonly long[] _sendUtcTicks;
        private long _sent;
        private long _sendTicks0;
        private long _sendTicksLast;
        private Exception _senderError;

        public Workload(BenchOptions options, int run, PeerNode[] nodes)
        {
            _nodes = nodes;
            _run = run;
            _n = options.Nodes;
            _m = options.Messages;
            _rate = options.Rate;
            _sendUtcTicks = new long[_m];
        }

        /// <summary>Wall-clock (UTC) send time of message k, for the engine latency (PeerMessage.ReceivedAt).</summary>
        public long[] SendUtcTicks => _sendUtcTicks;

        /// <summary>Messages broadcast so far.</summary>
        public long Sent => Interlocked.Read(ref _sent);

        /// <summary>Stopwatch timestamp of message 0's send.</summary>
        public long FirstSendTicks => _sendTicks0;

        /// <summary>What stopped the sender thread, or null.</summary>
        public Exception SenderError => _senderError;

        /// <summary>Starts the sender thread: paced when --rate is above 0, unpaced otherwise.</summary>
        public Thread StartSender()
        {
            var sender = new Thread(_rate > 0 ? (ThreadStart)SendPaced : SendUnpaced) { IsBackground = true, Name = "bench sender" };
            sender.Start();
            return sender;
        }

        /// <summary>Messages per second as sent: from message 0's send to the last one's.</summary>
        public double SendRate()
        {
            long sent = Interlocked.Read(ref _sent);
            if (sent < 2 || _sendTicksLast <= _sendTicks0) return 0;
            return (sent - 1) / ((_sendTicksLast - _sendTicks0) / (double)Stopwatch.Frequency);
        }

        // ------------------------------------------------------------------ payload

        // 'M' | send ticks (19 digits) | '|' | k (8) | '|' | origin (4) | '|' | filler to 100 ASCII bytes.
        public static string Payload(char kind, long ticks, int k, int origin, int run)
        {
            var b = new StringBuilder(PayloadLength);
            b.Append(kind);
            b.Append(ticks.ToString("D19", CultureInfo.InvariantCulture));
            b.Append('|').Append(k.ToString("D8", CultureInfo.InvariantCulture));
            b.Append('|').Append(origin.ToString("D4", CultureInfo.InvariantCulture));
            b.Append("|run").Append(run.ToString("D2", CultureInfo.InvariantCulture)).Append('|');
            while (b.Length < PayloadLength) b.Append((char)('a' + (b.Length + k) % 26));
            return b.ToString();
        }

        public static long ParseDigits(string s, int start, int count)
        {
            long v = 0;
            for (int i = start; i < start + count; i++)
            {
                int d = s[i] - '0';
                if ((uint)d > 9) return -1;
                v = v * 10 + d;
            }
            return v;
        }

        // ------------------------------------------------------------------ sending

        private void SendOne(int k)
        {
            int origin = k % _n;
            long ticks = Stopwatch.GetTimestamp();
            if (k == 0) _sendTicks0 = ticks;
            string text = Payload('M', ticks, k, origin, _run);
            Volatile.Write(ref _sendUtcTicks[k], DateTime.UtcNow.Ticks);
            _nodes[origin].Broadcast(text);
            _sendTicksLast = ticks;
            Interlocked.Increment(ref _sent);
        }

        /// <summary>As fast as Broadcast accepts them (it blocks only on a full link queue): one thread, round-robin.</summary>
        private void SendUnpaced()
        {
            try
            {
                for (int k = 0; k < _m; k++) SendOne(k);
            }
            catch (Exception ex)
            {
                _senderError = ex;
            }
        }

        /// <summary>Message k is due at start + k/R; the thread sleeps until the next one is due and catches up when late.</summary>
        private void SendPaced()
        {
            try
            {
                long start = Stopwatch.GetTimestamp();
                double ticksPerMessage = Stopwatch.Frequency / _rate;
                for (int k = 0; k < _m; k++)
                {
                    long due = start + (long)(k * ticksPerMessage);
                    while (true)
                    {
                        long left = due - Stopwatch.GetTimestamp();
                        if (left <= 0) break;
                        double ms = left * 1000.0 / Stopwatch.Frequency;
                        Thread.Sleep(ms > 2 ? (int)ms - 1 : 1);
                    }
                    SendOne(k);
                }
            }
            catch (Exception ex)
            {
                _senderError = ex;
            }
        }
    }
}
