function __wsasend_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __wsasend_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __wsasend_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __wsasend_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __wsasend_parse_tokens -S
    set -l unparsed_tokens (__wsasend_tokens -pc)
    switch $unparsed_tokens[1]
    case 'wsasend'
        __wsasend_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'send'
            __wsasend_parse_subcommand 1 'buffers=' 'flags=' 'mode=' 'outstanding=' 'sndbuf=' 'nodelay' 'count=' 'duration=' 'oob' 'dontroute' 'partial' 'udp' 'no-connect' 'connections=' 'bind=' 'file=' 'listen=' 'rate=' 'sndtimeo=' 'connect-timeout=' 'drain=' 'interval=' 'shard=' 'shards=' 'start-at=' 'histogram=' 'histogram-log=' 'json' 'json-stream' 'v/verbose' 'q/quiet' 'version' 'h/help'
        case 'sink'
            __wsasend_parse_subcommand 1 'udp' 'output=' 'once' 'idle=' 'interval=' 'json' 'v/verbose' 'q/quiet' 'version' 'h/help'
        case 'demo'
            __wsasend_parse_subcommand 0 'version' 'h/help'
        case 'codes'
            __wsasend_parse_subcommand 1 'json' 'version' 'h/help'
        case 'repl'
            __wsasend_parse_subcommand 1 'buffers=' 'flags=' 'mode=' 'outstanding=' 'sndbuf=' 'nodelay' 'udp' 'sndtimeo=' 'connect-timeout=' 'no-history' 'echo' 'stop-on-error' 'json' 'version' 'h/help'
        case 'merge'
            __wsasend_parse_subcommand -r 1 'json' 'histogram=' 'version' 'h/help'
        case 'help'
            __wsasend_parse_subcommand -r 1 'version'
        case '*'
            # No subcommand named: the tokens are the default subcommand's (wsasend HOST:PORT ...).
            if test (count $unparsed_tokens) -gt 0; or string match -q -- '-*' (commandline -ct)
                set -p unparsed_tokens send
                __wsasend_parse_subcommand 1 'buffers=' 'flags=' 'mode=' 'outstanding=' 'sndbuf=' 'nodelay' 'count=' 'duration=' 'oob' 'dontroute' 'partial' 'udp' 'no-connect' 'connections=' 'bind=' 'file=' 'listen=' 'rate=' 'sndtimeo=' 'connect-timeout=' 'drain=' 'interval=' 'shard=' 'shards=' 'start-at=' 'histogram=' 'histogram-log=' 'json' 'json-stream' 'v/verbose' 'q/quiet' 'version' 'h/help'
            end
        end
    end
end

function __wsasend_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __wsasend_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __wsasend_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __wsasend_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__wsasend_tokens -p)
    if test -z "$(__wsasend_tokens -t)"
        set -l index (count (__wsasend_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'wsasend' -f
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend" version' -l 'version' -d 'Show the version.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_positional "wsasend" -eq 1' -fa 'send' -d 'Connect to HOST:PORT (or accept a connection) and send with WSASend (the default command).'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_positional "wsasend" -eq 1' -fa 'sink' -d 'Receive TCP connections (concurrently) or UDP datagrams, count bytes and urgent bytes, report.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_positional "wsasend" -eq 1' -fa 'demo' -d 'Start a sink on a free loopback port in this process and show WSASend\'s behaviour against it.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_positional "wsasend" -eq 1' -fa 'codes' -d 'List every Winsock error code with its number, name and meaning, or explain one in full.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_positional "wsasend" -eq 1' -fa 'repl' -d 'An interactive session over a live socket: every WSASend shows its return value and WSA code.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_positional "wsasend" -eq 1' -fa 'merge' -d 'Add up the --json reports of a run\'s shards into one report, with exact percentiles.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_positional "wsasend" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" buffers' -l 'buffers' -d 'The WSABUF array of each call: [COUNTx]SIZE items separated by commas, such as 4x4096 or 2x1K,512.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" flags' -l 'flags' -d 'WSASend flags: oob, dontroute, partial (any case, with or without MSG_, or a number).' -rfka 'oob dontroute partial'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" mode' -l 'mode' -d 'How WSASend is called: blocking, nonblocking, or overlapped with completion by event or routine (any case).' -rfka 'blocking nonblocking event routine'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" outstanding' -l 'outstanding' -d 'Overlapped calls in flight per connection, 1 to 1024 (event and routine modes; default 1).' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" sndbuf' -l 'sndbuf' -d 'The socket\'s send buffer size (SO_SNDBUF), such as 64K.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" nodelay' -l 'nodelay' -d 'Set TCP_NODELAY: send small segments at once instead of coalescing them.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" count' -l 'count' -d 'The number of buffer sets each connection sends (default 1, or until the file ends).' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" duration' -l 'duration' -d 'How long each connection sends instead of a count, such as 10s, 500ms or 1h30m (a bare number is seconds).' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" oob' -l 'oob' -d 'Set MSG_OOB: send the data as urgent (out-of-band) data.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" dontroute' -l 'dontroute' -d 'Set MSG_DONTROUTE: ask the transport not to route the data.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" partial' -l 'partial' -d 'Set MSG_PARTIAL, which TCP and UDP refuse with WSAEOPNOTSUPP.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" udp' -l 'udp' -d 'Send datagrams on a connected UDP socket instead of a TCP stream.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" no-connect' -l 'no-connect' -d 'With --udp, leave the socket unconnected and send each datagram to the target with WSASendTo.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" connections' -l 'connections' -d 'The number of connections, each sending the whole run and ending its stream when done, 1 to 100000.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" bind' -l 'bind' -d 'Bind each connection to these source addresses in turn before connecting, such as 127.0.0.2,127.0.0.3.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" file' -l 'file' -d 'Send the bytes of this file (- for standard input) in consecutive buffers; the run ends with it. A pipe\'s bytes are sent as they come.' -rF
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" listen' -l 'listen' -d 'Wait for connections on [HOST:]PORT (127.0.0.1 when no host is given), then send.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" rate' -l 'rate' -d 'Hold each connection to this rate: bits per second (100M, 100Mbit, 100Mbps) or bytes (12.5MB/s).' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" sndtimeo' -l 'sndtimeo' -d 'Set SO_SNDTIMEO: a blocking call that cannot finish this soon fails with WSAETIMEDOUT, such as 2s or 500ms.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" connect-timeout' -l 'connect-timeout' -d 'How long a connect (or, with --listen, the wait for a connection) may take, such as 3s.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" drain' -l 'drain' -d 'After the last call, wait until the peer has acknowledged every byte, at most this long (default 10s).' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" interval' -l 'interval' -d 'Print a progress line on standard error every so often, 10ms or more, such as 1s; 0 turns it off. Also the interval of --json-stream and --histogram-log.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" shard' -l 'shard' -d 'Do shard INDEX of COUNT of the run (0/4 to 3/4): the connections are dealt out, each with the whole --count and --rate; auto reads the launcher\'s environment.' -rfka 'auto'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" shards' -l 'shards' -d 'The number of shards, for --shard auto under a Kubernetes Indexed Job (its completions).' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" start-at' -l 'start-at' -d 'Wait until this wall-clock time before connecting: RFC 3339 (2026-12-06T16:00:00Z) or Unix seconds.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" histogram' -l 'histogram' -d 'Write the latency distribution to this file in HdrHistogram\'s percentile text format (microseconds).' -rF
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" histogram-log' -l 'histogram-log' -d 'Write one latency histogram per --interval (default 1s) to this file in HdrHistogram\'s interval log format (with --rate, a second one tagged scheduled).' -rF
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" json' -l 'json' -d 'Print the report as one JSON object on standard output.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" json-stream' -l 'json-stream' -d 'Print NDJSON on standard output as the run goes: one object per --interval (default 1s; with --rate, latency from the schedule too), then the report on the last line.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" v verbose' -s 'v' -l 'verbose' -d 'Print a line for every WSASend call.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" q quiet' -s 'q' -l 'quiet' -d 'Print nothing but errors (and the JSON report with --json).'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" version' -l 'version' -d 'Show the version.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend send" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" udp' -l 'udp' -d 'Receive UDP datagrams instead of TCP connections.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" output' -l 'output' -d 'Write the received bytes to this file (- for standard output), one connection at a time.' -rF
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" once' -l 'once' -d 'Exit when the first connection closes.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" idle' -l 'idle' -d 'Exit when no byte has arrived for this long after the first one, such as 2s.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" interval' -l 'interval' -d 'Print a progress line on standard error every so often, 10ms or more, such as 1s; 0 turns it off.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" json' -l 'json' -d 'Print the report as one JSON object on standard output.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" v verbose' -s 'v' -l 'verbose' -d 'Print a line when a connection opens and closes.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" q quiet' -s 'q' -l 'quiet' -d 'Print nothing but errors (and the JSON report with --json).'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" version' -l 'version' -d 'Show the version.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend sink" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend demo" version' -l 'version' -d 'Show the version.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend codes" json' -l 'json' -d 'Print the codes as JSON on standard output.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend codes" version' -l 'version' -d 'Show the version.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend codes" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" buffers' -l 'buffers' -d 'The WSABUF array of each call: [COUNTx]SIZE items separated by commas, such as 4x4096 or 2x1K,512.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" flags' -l 'flags' -d 'WSASend flags: oob, dontroute, partial (any case, with or without MSG_, or a number).' -rfka 'oob dontroute partial'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" mode' -l 'mode' -d 'How WSASend is called: blocking, nonblocking, or overlapped with completion by event or routine (any case).' -rfka 'blocking nonblocking event routine'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" outstanding' -l 'outstanding' -d 'Overlapped calls in flight per connection, 1 to 1024 (event and routine modes; default 1).' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" sndbuf' -l 'sndbuf' -d 'The socket\'s send buffer size (SO_SNDBUF), such as 64K.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" nodelay' -l 'nodelay' -d 'Set TCP_NODELAY: send small segments at once instead of coalescing them.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" udp' -l 'udp' -d 'Connect the target with a UDP socket instead of a TCP stream.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" sndtimeo' -l 'sndtimeo' -d 'SO_SNDTIMEO: how long a blocking send may be stuck before WSAETIMEDOUT, such as 2s (0 for none).' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" connect-timeout' -l 'connect-timeout' -d 'How long a connect (or listen\'s wait for a peer) may take, such as 3s.' -rfka ''
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" no-history' -l 'no-history' -d 'Keep no history file (the history is in $XDG_STATE_HOME/wsasend/history otherwise).'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" echo' -l 'echo' -d 'Print each line of a script before its result.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" stop-on-error' -l 'stop-on-error' -d 'Stop a script at the first failing command.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" json' -l 'json' -d 'Print one JSON object per command (NDJSON) on standard output.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" version' -l 'version' -d 'Show the version.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend repl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_positional "wsasend merge" -ge 1' -fa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'json\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend merge" json' -l 'json' -d 'Print the merged report as one JSON object (itself a report that merge reads).'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend merge" histogram' -l 'histogram' -d 'Write the merged latency distribution in HdrHistogram\'s percentile text format (microseconds).' -rF
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend merge" version' -l 'version' -d 'Show the version.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend merge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'wsasend' -n '__wsasend_should_offer_completions_for_flags_or_options "wsasend help" version' -l 'version' -d 'Show the version.'
