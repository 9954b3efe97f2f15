import ArgumentParser

/// The shell completion scripts: ArgumentParser's, taught the default subcommand.
///
/// ArgumentParser completes a subcommand's options only after the subcommand's name, so the usual form
/// `wsasend HOST:PORT --bu<Tab>` completed nothing (nor `--mode <Tab>`'s values), while
/// `wsasend send HOST:PORT --bu<Tab>` did. Each script gets one more branch where it dispatches on the
/// subcommand: no subcommand named means `send`'s words. The branch is inserted at an anchor in the
/// generated text; if a new ArgumentParser moves the anchor, the script is left as generated and the
/// completion tests (which complete `wsasend 127.0.0.1:9 --bu` in each shell) fail.
enum DefaultCommandCompletion {
    /// `wsasend --generate-completion-script SHELL` (or `=SHELL`), or nil for any other command line.
    static func requestedShell(_ arguments: [String]) -> CompletionShell? {
        let name: String
        switch arguments.count {
        case 1 where arguments[0].hasPrefix("--generate-completion-script="):
            name = String(arguments[0].dropFirst("--generate-completion-script=".count))
        case 2 where arguments[0] == "--generate-completion-script":
            name = arguments[1]
        default:
            return nil
        }
        return CompletionShell(rawValue: name)
    }

    static func script(for shell: CompletionShell) -> String {
        let generated = WSASendCommand.completionScript(for: shell)
        switch shell {
        case .bash: return bash(generated)
        case .zsh: return zsh(generated)
        case .fish: return fish(generated)
        default: return generated
        }
    }

    /// The subcommand names as the generated scripts list them, `help` last: the anchors below quote them.
    static var subcommandNames: [String] {
        WSASendCommand.configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }
    static var subcommandWords: String { subcommandNames.joined(separator: " ") }
    static var subcommandPattern: String { subcommandNames.joined(separator: "|") }

    /// `_wsasend`'s fallback offered the subcommand names for any word; now it offers them for the first
    /// word only, and completes the words as `send`'s. And bash splits `127.0.0.1:9` into three words at
    /// the colon (COMP_WORDBREAKS), which the one-positional subcommands read as too many positionals,
    /// offering nothing after a HOST:PORT even with `send` named: they now take any number.
    static func bash(_ script: String) -> String {
        let anchor = """
                *)
                    # Offer subcommand completions
                    COMPREPLY+=($(compgen -W '\(subcommandWords)' -- "${cur}"))
                    ;;

            """
        let replacement = """
                *)
                    # Offer subcommand completions
                    COMPREPLY=()
                    [[ "${COMP_CWORD}" -eq 1 ]] && COMPREPLY+=($(compgen -W '\(subcommandWords)' -- "${cur}"))
                    # No subcommand named: the words are the default subcommand's (wsasend HOST:PORT ...).
                    unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")
                    _wsasend_send
                    ;;

            """
        let onePositional = "    __wsasend_offer_flags_options 1\n"
        let anyPositionals = "    __wsasend_offer_flags_options -1  # bash splits HOST:PORT into words at ':'\n"
        return replacingFirst(anchor, with: replacement, in: script).replacing(onePositional, with: anyPositionals)
    }

    /// The `arg` state dispatched on the subcommand's name only; the `command` state (the first word)
    /// offered subcommand names only, so `wsasend --bu<Tab>` found nothing.
    static func zsh(_ script: String) -> String {
        let argAnchor = """
                    \(subcommandPattern))
                        "_wsasend_${words[1]}" && ret=0
                        ;;

            """
        let argReplacement =
            argAnchor + """
                        *)
                            # No subcommand named: the words are the default subcommand's (wsasend HOST:PORT ...).
                            words=(send "${words[@]}")
                            (( CURRENT++ ))
                            _wsasend_send && ret=0
                            ;;

                """
        let commandAnchor = """
                    _describe -V subcommand subcommands && ret=0

            """
        let commandReplacement =
            commandAnchor + """
                        # An option in the first word is the default subcommand's (wsasend --buffers ...).
                        if [[ "${PREFIX}" == -* ]]; then
                            words[1]=send
                            _wsasend_send && ret=0
                        fi

                """
        return replacingFirst(
            commandAnchor, with: commandReplacement, in: replacingFirst(argAnchor, with: argReplacement, in: script))
    }

    /// `__wsasend_parse_tokens` knew only the named subcommands; tokens that name none (or an option being
    /// typed as the first word) now parse as `send`'s, with `send`'s own option specs.
    static func fish(_ script: String) -> String {
        let sendCase = "        case 'send'\n"
        guard let caseRange = script.firstRange(of: sendCase),
            let specsEnd = script[caseRange.upperBound...].firstIndex(of: "\n")
        else { return script }
        let sendParse = script[caseRange.upperBound..<specsEnd].trimmingPrefix(while: { $0 == " " })
        let anchor = """
                    case 'help'
                        __wsasend_parse_subcommand -r 1 'version'
                    end

            """
        let replacement = """
                    case 'help'
                        __wsasend_parse_subcommand -r 1 'version'
                    case '*'
                        # No subcommand named: the tokens are the default subcommand's (wsasend HOST:PORT ...).
                        if test (count $unparsed_tokens) -gt 0; or string match -q -- '-*' (commandline -ct)
                            set -p unparsed_tokens send
                            \(sendParse)
                        end
                    end

            """
        return replacingFirst(anchor, with: replacement, in: script)
    }

    private static func replacingFirst(_ anchor: String, with replacement: String, in script: String) -> String {
        guard let range = script.firstRange(of: anchor) else { return script }
        var patched = script
        patched.replaceSubrange(range, with: replacement)
        return patched
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        self[(firstIndex { !predicate($0) } ?? endIndex)...]
    }
}
