package SSLXKeys;

# Helpers for the tests of protected keys (pass phrases, PKCS#11 tokens)
# and of certificates renewed on disk: stand-alone servers with their own
# certificate/key pairs, graceful restarts, encrypted copies of the test
# keys, new certificates from the test CA, and an httpd started on a
# pseudo-terminal for the builtin pass phrase dialog.  Everything is
# bounded in time.

use strict;
use warnings;

use Apache::Test ();
use Errno qw(EINTR EAGAIN EIO);
use File::Spec::Functions qw(catfile);
use IO::Select ();
use IO::Socket::INET ();
use POSIX qw(WNOHANG);
use SSLXTest;
use Time::HiRes qw(time sleep);

use Exporter 'import';
our @EXPORT = qw(key_server_conf example_conf graceful_restart encrypt_key make_cert
                 start_httpd_on_pty pty_read error_log_of have_pty
                 served_cert);

# The server part of a stand-alone httpd.conf in $dir: modules, logs, a
# few small children, the suite's documents.
sub server_head {
    my $dir = shift;
    my $docroot = Apache::Test::vars('documentroot');
    my $tconf = Apache::Test::vars('t_conf');
    return <<EOC;
@{[ SSLXTest::standalone_conf_head($dir, 'info sslx:debug') ]}
ServerName localhost
DocumentRoot "$docroot"
TypesConfig "$tconf/mime.types"
@{[ SSLXTest::small_mpm_conf() ]}
<IfModule cgid_module>
    ScriptSock "$dir/logs/cgisock"
</IfModule>
EOC
}

# key_server_conf(NAME, GLOBAL, VHOST) -> (conf file, server root, port):
# an httpd of its own in t/standalone/NAME with a few small children and
# one TLS vhost "localhost" on a free port whose body is VHOST (the
# SSLXEngine line and the pairs included); GLOBAL goes before it.
sub key_server_conf {
    my($name, $global, $vhost) = @_;
    my $dir = standalone_dir($name);
    my $port = free_port();
    my $conf = "$dir/conf/httpd.conf";
    write_file($conf, <<EOC);
@{[ server_head($dir) ]}
@{[ $global // '' ]}
Listen 127.0.0.1:$port
<VirtualHost 127.0.0.1:$port>
    ServerName localhost
    CustomLog "$dir/logs/access_log" "%P|%{SSL_SERVER_M_SERIAL}x|%r|%>s"
$vhost
</VirtualHost>
EOC
    return ($conf, $dir, $port);
}

# example_conf(FILE, NAME, [[FROM, TO], ...]) -> (conf file, server root):
# conf-examples/FILE as it is, but for its LoadModule line and the literal
# replacements given (paths, ports), behind server_head() in a server
# root t/standalone/NAME.  Dies when a replacement finds nothing: the
# example changed under the test.
sub example_conf {
    my($file, $name, $subst) = @_;
    my $src = catfile(t_dir(), '..', 'conf-examples', $file);
    my $text = read_file($src);
    die "cannot read $src\n" unless defined $text;
    $text =~ s/^LoadModule sslx_module .*\n//m;
    for my $s (@$subst) {
        my($from, $to) = @$s;
        $text =~ s/\Q$from\E/$to/g or die "$file: '$from' not found\n";
    }
    my $dir = standalone_dir($name);
    my $conf = "$dir/conf/httpd.conf";
    write_file($conf, server_head($dir) . "\n# ---- $file\n" . $text);
    return ($conf, $dir);
}

sub error_log_of { read_file("$_[0]/logs/error_log") // '' }

# graceful_restart($h, $dir, $port): SIGUSR1, then waits (20 s at most)
# for the new generation's "resuming normal operations" and the port.
# True when the server came back.
sub graceful_restart {
    my($h, $dir, $port) = @_;
    my $count = sub {
        my $n = () = error_log_of($dir) =~ /resuming normal operations/g;
        return $n;
    };
    my $before = $count->();
    kill 'USR1', $h->{pid};
    my $deadline = time + 20;
    while (time < $deadline) {
        if ($count->() > $before) {
            sleep 0.5;    # the old generation's children finish
            return wait_for_port($port, 10);
        }
        return 0 if waitpid($h->{pid}, WNOHANG) == $h->{pid};
        sleep 0.2;
    }
    return 0;
}

# encrypt_key(IN, OUT, PHRASE, FORM): FORM 'pkcs8' ("ENCRYPTED PRIVATE
# KEY") or 'traditional' (RSA only: "Proc-Type: 4,ENCRYPTED").
sub encrypt_key {
    my($in, $out, $phrase, $form) = @_;
    my @cmd = $form eq 'traditional'
        ? (qw(openssl rsa -traditional -aes256), '-in', $in)
        : (qw(openssl pkey -aes256), '-in', $in);
    my $r = run_cmd([@cmd, '-passout', "pass:$phrase", '-out', $out],
                    timeout => 30);
    die "encrypting $in failed: $r->{err}" if $r->{rc} != 0;
    return $out;
}

# make_cert(DIR, NAME, SERIAL, %o): a new ECDSA key DIR/NAME.key and a
# certificate DIR/NAME.crt for localhost from the test CA, with serial
# SERIAL (hex without 0x); o{key} reuses a key file, o{expired} makes one
# that expired in 2021.  Returns (crt, key).
sub make_cert {
    my($dir, $name, $serial, %o) = @_;
    my $key = $o{key} || "$dir/$name.key";
    my $crt = "$dir/$name.crt";
    if (!$o{key}) {
        my $r = run_cmd(['certtool', '--generate-privkey', '--key-type',
                         'ecdsa', '--curve', 'secp256r1', '--no-text',
                         '--outfile', $key], timeout => 60);
        die "certtool key: $r->{err}" if $r->{rc};
    }
    my($start, $end) = $o{expired}
        ? ('2020-01-01 00:00:00 UTC', '2021-01-01 00:00:00 UTC')
        : ('2025-03-01 09:05:07 UTC', '2036-01-05 23:59:59 UTC');
    write_file("$dir/$name.tmpl", <<EOT);
cn = "localhost"
organization = "mod_sslx reload $name"
dns_name = "localhost"
serial = 0x$serial
activation_date = "$start"
expiration_date = "$end"
key_purpose_oid = 1.3.6.1.5.5.7.3.1
signing_key
EOT
    my $r = run_cmd(['certtool', '--generate-certificate', '--load-privkey',
                     $key, '--load-ca-privkey', pki('ca.key'),
                     '--load-ca-certificate', pki('ca.crt'), '--template',
                     "$dir/$name.tmpl", '--outfile', $crt, '--no-text'],
                    timeout => 60);
    die "certtool cert: $r->{err}" if $r->{rc};
    return ($crt, $key);
}

# The serial (upper-case hex, as SSL_SERVER_M_SERIAL) and subject O of the
# certificate a new connection to PORT is shown; '' when none.
sub served_cert {
    my $port = shift;
    my $r = s_client(port => $port, sni => 'localhost',
                     request => "GET /ok.txt HTTP/1.0\r\nHost: localhost\r\n\r\n",
                     timeout => 20);
    return ('', '', $r) unless $r->{peer_pem};
    my $x = run_cmd([qw(openssl x509 -noout -serial -subject)],
                    stdin => $r->{peer_pem}, timeout => 10);
    my($serial) = $x->{out} =~ /serial=([0-9A-F]+)/;
    my($o) = $x->{out} =~ /O\s*=\s*([^,\n]+)/;
    return ($serial // '', $o // '', $r);
}

sub have_pty { eval { require IO::Pty; 1 } }

# start_httpd_on_pty($conf, port => P, answers => [PHRASE, ...],
#                    timeout => SECS): httpd -DFOREGROUND with a
# pseudo-terminal as its controlling terminal, stdin, stdout and stderr;
# each "Enter pass phrase" prompt gets the next answer.  Returns
# { pid, pty, up, exited, rc, tty (all it printed), prompts }.
sub start_httpd_on_pty {
    my($conf, %o) = @_;
    require IO::Pty;
    my $pty = IO::Pty->new;
    my $pid = fork;
    die "fork: $!" unless defined $pid;
    if (!$pid) {
        $pty->make_slave_controlling_terminal;
        my $slave = $pty->slave;
        close $pty;
        open STDIN, '<&', $slave;
        open STDOUT, '>&', $slave;
        open STDERR, '>&', $slave;
        { exec SSLXTest::httpd_bin(), '-DFOREGROUND', '-f', $conf }
        POSIX::_exit(127);
    }
    $pty->close_slave;
    my $h = { pid => $pid, pty => $pty, tty => '', prompts => 0,
              port => $o{port} };
    my @answers = @{ $o{answers} || [] };
    my $deadline = time + ($o{timeout} || 30);
    while (time < $deadline) {
        pty_read($h, 0.2);
        my $n = () = $h->{tty} =~ /Enter pass phrase: /g;
        while ($n > $h->{prompts}) {
            $h->{prompts}++;
            my $a = shift @answers;
            print {$pty} (defined $a ? $a : ''), "\n";
        }
        if (waitpid($pid, WNOHANG) == $pid) {
            $h->{exited} = 1;
            $h->{rc} = $? >> 8;
            pty_read($h, 0.2);
            last;
        }
        if ($o{port} && IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                               PeerPort => $o{port},
                                               Timeout => 1)) {
            if (SSLXTest::wait_for_children($pid, $deadline) eq 'exited') {
                $h->{exited} = 1;
                $h->{rc} = $? >> 8;
                pty_read($h, 0.2);
            }
            else {
                $h->{up} = 1;
            }
            last;
        }
    }
    return $h;
}

# pty_read($h, SECS): appends what the terminal shows within SECS to
# $h->{tty}; returns the new text.
sub pty_read {
    my($h, $secs) = @_;
    my $new = '';
    my $deadline = time + $secs;
    while ((my $left = $deadline - time) > 0) {
        last unless IO::Select->new($h->{pty})->can_read($left);
        my $n = sysread $h->{pty}, my $buf, 4096;
        if (!defined $n) {
            next if $! == EINTR || $! == EAGAIN;
            last;    # EIO: the other side is gone
        }
        last if $n == 0;
        $new .= $buf;
    }
    $h->{tty} .= $new;
    return $new;
}

1;
