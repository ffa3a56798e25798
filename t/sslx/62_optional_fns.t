# What modules written against mod_ssl.h see, compared with mod_ssl.
#
# Two stand-alone servers from one configuration: one loads mod_sslx
# (SSLX* directives), the other Debian's mod_ssl (SSL*), never both.
# Each loads t/bin/mod_ssl_user.c, a module that fetches mod_ssl.h's
# optional functions by name in post_config, as third-party modules do,
# and prints what ssl_var_lookup, ssl_ext_list and ssl_is_https answer,
# and opens backend connections bound the old way (ssl_proxy_enable,
# ssl_engine_set, ssl_engine_disable).  The same requests, over TLS and
# plain HTTP, must get the same answers from both servers; so must
# mod_headers' %{NAME}s, mod_rewrite's %{SSL:NAME} and ap_expr's SSL().
use strict;
use warnings FATAL => 'all';

use Apache::Test qw(-withtestmore);
use Apache::TestUtil;
use File::Copy qw(copy);
use File::Spec::Functions qw(catfile);
use POSIX qw(strftime);
use SSLXTest;

# Names mod_ssl's ssl_var_lookup serves, and some it does not.
my @names = qw(
    HTTPS HTTP_USER_AGENT HTTP_REFERER HTTP_COOKIE HTTP_FORWARDED HTTP_HOST
    HTTP_PROXY_CONNECTION HTTP_ACCEPT HTTP:X-Test HTTP:x-test HTTP:X-None
    THE_REQUEST REQUEST_METHOD REQUEST_SCHEME REQUEST_URI REQUEST_FILENAME
    SCRIPT_FILENAME QUERY_STRING REMOTE_HOST REMOTE_IDENT IS_SUBREQ
    DOCUMENT_ROOT SERVER_ADMIN SERVER_NAME SERVER_PORT SERVER_PROTOCOL
    SERVER_SOFTWARE REMOTE_ADDR REMOTE_USER AUTH_TYPE PATH_INFO API_VERSION
    TIME_YEAR TIME_MON TIME_DAY TIME_HOUR TIME_MIN TIME_SEC TIME_WDAY TIME
    ENV:SSLX_T_ENV ENV:SSLX_T_NOTE ENV:PATH ENV:SSLX_T_UNSET
    SSL_PROTOCOL SSL_CIPHER SSL_TLS_SNI SSL_CIPHER_USEKEYSIZE
    SSL_VERSION_INTERFACE SSL_VERSION_LIBRARY SSL_VERSION_LIBRARY_INTERFACE
    SSL_SERVER_S_DN_CN SSL_SERVER_I_DN SSL_CLIENT_VERIFY SSL_CLIENT_S_DN
    SSL_SESSION_RESUMED SSL_NO_SUCH_THING NO_SUCH_THING https http_user_agent
    Query_String ssl_protocol Ssl_Server_M_Version env:SSLX_T_ENV
    ext:server:subjectAltName ext:server:2.5.29.19 ext:server:keyUsage
    ext:peer:subjectAltName ext:server:no.such.ext
);

# mod_headers lookups: header name => variable.
my %header_vars = (
    'X-L-UA'      => 'HTTP_USER_AGENT',   'X-L-Query'   => 'QUERY_STRING',
    'X-L-HTTPS'   => 'HTTPS',             'X-L-Soft'    => 'SERVER_SOFTWARE',
    'X-L-API'     => 'API_VERSION',       'X-L-XTest'   => 'HTTP:X-Test',
    'X-L-Env'     => 'ENV:SSLX_T_ENV',    'X-L-Request' => 'THE_REQUEST',
    'X-L-Scheme'  => 'REQUEST_SCHEME',    'X-L-Proto'   => 'SSL_PROTOCOL',
    'X-L-Cipher'  => 'SSL_CIPHER',        'X-L-Cookie'  => 'HTTP_COOKIE',
);

my %meant_to_differ = meant_to_differ();
$meant_to_differ{SERVER_SOFTWARE} = {
    why    => 'each module adds its library to the server banner',
    sslx   => qr{^Apache/\S+ .*\bmod_sslx/\S+ GnuTLS/\d},
    modssl => qr{^Apache/\S+ .*\bOpenSSL/\d},
};
$meant_to_differ{SSL_VERSION_LIBRARY_INTERFACE} = {
    why    => 'the TLS library built against: GnuTLS/x.y.z vs OpenSSL/x.y.z',
    sslx   => qr{^GnuTLS/\d+\.\d+\.\d+$},
    modssl => qr{^OpenSSL/\d},
};
# Read at two moments: the form must be right; the value is checked
# against the clock below.
for (['TIME_YEAR', qr/^\d{4}$/], ['TIME_MON', qr/^\d\d$/],
     ['TIME_DAY', qr/^\d\d$/], ['TIME_HOUR', qr/^\d\d$/],
     ['TIME_MIN', qr/^\d\d$/], ['TIME_SEC', qr/^\d\d$/],
     ['TIME_WDAY', qr/^[0-6]$/], ['TIME', qr/^\d{14}$/]) {
    $meant_to_differ{$_->[0]} = { why => 'the time of the request',
                                  sslx => $_->[1], modssl => $_->[1] };
}

my $apxs = $ENV{APXS} || Apache::Test::vars('apxs') || '';
plan tests => 46,
    need { 'mod_ssl is not installed' => have_modssl() },
    need { 'apxs is needed' => $apxs && -x $apxs },
    need { 'curl is needed' => have_cmd('curl') },
    need_module(qw(mod_headers.c mod_rewrite.c mod_env.c));

# ---- the consumer module, built with apxs -------------------------------
my $build = standalone_dir('ssl_user_build');
copy(catfile(t_dir(), 'bin', 'mod_ssl_user.c'), "$build/mod_ssl_user.c")
    or die "copy: $!";
my $b = run_cmd(['sh', '-c', "cd '$build' && '$apxs' -c mod_ssl_user.c"],
                timeout => 180);
my $so = "$build/.libs/mod_ssl_user.so";
ok(-f $so, 'mod_ssl_user.c builds against mod_ssl.h') or diag($b->{out}, $b->{err});

# ---- the two servers ------------------------------------------------------
my %srv;
for my $which (qw(sslx modssl)) {
    my $dir = standalone_dir("optfn_$which");
    my($tls, $plain) = (free_port(), free_port());
    my $p = $which eq 'sslx' ? 'SSLX' : 'SSL';
    my $head = standalone_conf_head($dir, 'info');
    if ($which eq 'modssl') {
        my $moddir = Apache::Test::vars('sslx_modulesdir');
        $head =~ s{^LoadModule sslx_module .*$}
                  {LoadModule ssl_module "$moddir/mod_ssl.so"}m;
    }
    my $pki = pki();
    my $hdrs = join "\n", map { "    Header always set $_ \"%{$header_vars{$_}}s\"" }
                          sort keys %header_vars;
    write_file("$dir/conf/httpd.conf", <<EOC);
$head
LoadModule ssl_user_module "$so"
Listen 127.0.0.1:$tls
Listen 127.0.0.1:$plain
ServerAdmin admin\@sslx.test
SetEnv SSLX_T_ENV from-setenv
<Location /vars>
    SetHandler ssl-user-vars
</Location>
<Location /backend>
    SetHandler ssl-user-backend
</Location>
<Location /hdr/>
$hdrs
</Location>
<Location /expr/>
    Header always set X-E-Func "expr=%{SSL:SSL_PROTOCOL}"
    Header always set X-E-UA "expr=%{SSL:HTTP_USER_AGENT}"
    <If "SSL('HTTPS') == 'on' && SSL('SSL_PROTOCOL') =~ /^TLS/">
        Header always set X-E-If "tls"
    </If>
    <Else>
        Header always set X-E-If "plain"
    </Else>
</Location>
RewriteEngine on
RewriteRule ^/rw/ok\\.txt\$ /ok.txt [PT,E=RW_UA:%{SSL:HTTP_USER_AGENT},E=RW_HTTPS:%{SSL:HTTPS}]
<Location /ok.txt>
    Header set X-RW-UA "%{RW_UA}e"
    Header set X-RW-HTTPS "%{RW_HTTPS}e"
</Location>
<VirtualHost 127.0.0.1:$tls>
    ServerName localhost
    RewriteEngine on
    RewriteOptions Inherit
    ${p}Engine on
    ${p}CertificateFile    "$pki/localhost.ecdsa.crt"
    ${p}CertificateKeyFile "$pki/localhost.ecdsa.key"
    ${p}ProxyEngine on
    ${p}ProxyCACertificateFile "$pki/ca.crt"
</VirtualHost>
<VirtualHost 127.0.0.1:$plain>
    ServerName localhost
    RewriteEngine on
    RewriteOptions Inherit
</VirtualHost>
EOC
    my $h = start_httpd("$dir/conf/httpd.conf", port => $plain, timeout => 30);
    $h->{tls} = $tls;
    $h->{plain} = $plain;
    $h->{elog} = "$dir/logs/error_log";
    $srv{$which} = $h;
    ok($h->{up}, "the $which server starts")
        or diag($h->{stderr}, read_file($h->{elog}) // '');
}
END { stop_httpd($_) for values %srv }

my @client_headers = (
    '-A', 'sslx-test-agent/1.0', '-e', 'https://referer.example/page',
    '-b', 'c1=v1; c2=v2', '-H', 'Forwarded: for=192.0.2.1',
    '-H', 'Proxy-Connection: keep-alive', '-H', 'Accept: text/x-test',
    '-H', 'X-Test: hello',
);

# One request to one server: TLS ('tls') or plain HTTP ('plain').
sub fetch {
    my($which, $kind, $path) = @_;
    my $h = $srv{$which};
    if ($kind eq 'tls') {
        return curl_https(port => $h->{tls}, host => 'localhost',
                          path => $path, args => \@client_headers);
    }
    my $r = run_cmd(['curl', '-sS', '--max-time', 20, '-D', '-',
                     @client_headers, "http://localhost:$h->{plain}$path"]);
    my $res = parse_http_response($r->{out});
    $res->{err} = $r->{err};
    return $res;
}

# "NAME=value" lines -> { NAME => value }, the server's own ports
# replaced by "PORT".
sub page_values {
    my($res, $which) = @_;
    my %v;
    for my $line (split /\r?\n/, $res->{body} // '') {
        next unless $line =~ /^([^=]+)=(.*)$/;
        my($k, $val) = ($1, $2);
        $val =~ s/\b(?:$srv{$which}{tls}|$srv{$which}{plain})\b/PORT/g;
        $v{$k} = $val;
    }
    return \%v;
}

my $query = join '&', @names;
for my $kind (qw(tls plain)) {
    my %v;
    for my $which (qw(sslx modssl)) {
        my $r = fetch($which, $kind, "/vars/extra/path?$query");
        is($r->{code}, 200, "$kind: the $which server answers /vars")
            or diag($r->{err});
        $v{$which} = page_values($r, $which);
    }
    my @bad = compare_with_modssl($v{sslx}, $v{modssl}, \%meant_to_differ);
    is(scalar(@bad), 0, "$kind: ssl_var_lookup, ssl_ext_list and "
                        . "ssl_is_https answer as mod_ssl's")
        or diag(join "\n", @bad);
    is($v{sslx}{fns}, 'var_lookup,ext_list,is_https,proxy_enable,'
                      . 'engine_disable,engine_set',
       "$kind: all six optional functions are there");
    is($v{sslx}{HTTPS}, $kind eq 'tls' ? 'on' : 'off', "$kind: HTTPS");
    is($v{sslx}{HTTP_USER_AGENT}, 'sslx-test-agent/1.0',
       "$kind: HTTP_USER_AGENT");
    is($v{sslx}{'HTTP:X-Test'}, 'hello', "$kind: HTTP:X-Test");
    is($v{sslx}{'ENV:SSLX_T_ENV'}, 'from-setenv', "$kind: ENV: from SetEnv");
    is($v{sslx}{is_https}, $kind eq 'tls' ? 1 : 0, "$kind: ssl_is_https");
    my $now = strftime('%Y%m%d%H%M%S', localtime);
    ok(abs(clock($v{sslx}{TIME}) - clock($now)) < 120,
       "$kind: TIME is the local time ($v{sslx}{TIME} vs $now)");
}

# TIME's digits as seconds since the epoch (local time).
sub clock {
    my $t = shift // '';
    return 0 unless $t =~ /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/;
    return POSIX::mktime($6, $5, $4, $3, $2 - 1, $1 - 1900, 0, 0, -1);
}

like(page_values(fetch('sslx', 'tls', "/vars?ext:server:subjectAltName"),
                 'sslx')->{'ext:server:subjectAltName'} // '',
     qr/^(?:.+, )?DNS:localhost(?:, .+)?$/,
     'ssl_ext_list: the server certificate\'s subjectAltName');

# ---- mod_headers, mod_rewrite, ap_expr -------------------------------------
for my $kind (qw(tls plain)) {
    my %h;
    for my $which (qw(sslx modssl)) {
        my $r = fetch($which, $kind, '/hdr/ok.txt?q=1');
        my $e = fetch($which, $kind, '/expr/ok.txt');
        my $w = fetch($which, $kind, '/rw/ok.txt');
        $h{$which} = {
            (map { $_ => $r->{headers}{lc $_} // '(unset)' } keys %header_vars),
            (map { $_ => $e->{headers}{lc $_} // '(unset)' }
                 qw(X-E-Func X-E-UA X-E-If)),
            (map { $_ => $w->{headers}{lc $_} // '(unset)' }
                 qw(X-RW-UA X-RW-HTTPS)),
        };
    }
    my @bad = compare_with_modssl($h{sslx}, $h{modssl},
        { 'X-L-Soft' => $meant_to_differ{SERVER_SOFTWARE} });
    is(scalar(@bad), 0, "$kind: mod_headers, mod_rewrite and ap_expr see "
                        . "what they see with mod_ssl")
        or diag(join "\n", @bad);
    is($h{sslx}{'X-L-UA'}, 'sslx-test-agent/1.0',
       "$kind: Header set X-UA \"%{HTTP_USER_AGENT}s\"");
    is($h{sslx}{'X-E-UA'}, 'sslx-test-agent/1.0',
       "$kind: ap_expr %{SSL:HTTP_USER_AGENT}");
    is($h{sslx}{'X-E-If'}, $kind eq 'tls' ? 'tls' : 'plain',
       "$kind: <If \"SSL('HTTPS') == 'on'\">");
    is($h{sslx}{'X-RW-UA'}, 'sslx-test-agent/1.0',
       "$kind: RewriteRule ... E=RW_UA:%{SSL:HTTP_USER_AGENT}");
    is($h{sslx}{'X-RW-HTTPS'}, $kind eq 'tls' ? 'on' : 'off',
       "$kind: RewriteRule ... E=RW_HTTPS:%{SSL:HTTPS}");
}

# ---- backend connections bound the old way ---------------------------------
sub backend {
    my($which, $how, $to) = @_;
    my $h = $srv{$which};
    my $r = fetch($which, 'tls', "/backend?port=$h->{$to}&how=$how"
                                 . "&host=localhost");
    my $v = page_values($r, $which);
    my($answer) = ($r->{body} // '') =~ /^answer-begin\n(.*)\nanswer-end$/ms;
    my $res = parse_http_response($answer // '');
    $v->{status} = $res->{status_line} // '(none)';
    $v->{content} = $res->{body};
    delete @$v{qw(Server Date Last-Modified ETag)};
    return $v;
}

for my $case (['proxy_enable', 'tls'], ['engine_set', 'tls'],
              ['engine_disable', 'plain'], ['engine_set_off', 'plain']) {
    my($how, $to) = @$case;
    my %v = map { $_ => backend($_, $how, $to) } qw(sslx modssl);
    note("ssl_$how: bound=$v{sslx}{bound} (mod_ssl: $v{modssl}{bound}), "
         . "is_https=$v{sslx}{is_https}");
    is($v{sslx}{status}, 'HTTP/1.1 200 OK',
       "ssl_$how, $to backend: the backend answers through mod_sslx")
        or diag(explain($v{sslx}));
    my @bad = compare_with_modssl(
        { map { $_ => $v{sslx}{$_} } qw(bound pre_connection is_https status content) },
        { map { $_ => $v{modssl}{$_} } qw(bound pre_connection is_https status content) },
        {});
    is(scalar(@bad), 0, "ssl_$how, $to backend: as with mod_ssl")
        or diag(join "\n", @bad);
}

# A TLS binding towards a plain backend fails as it does with mod_ssl.
my %v = map { $_ => backend($_, 'proxy_enable', 'plain') } qw(sslx modssl);
unlike($v{modssl}{status}, qr{^HTTP/}, 'ssl_proxy_enable towards plain HTTP: '
       . "mod_ssl gets no answer ($v{modssl}{status})");
unlike($v{sslx}{status}, qr{^HTTP/}, '... nor does mod_sslx '
       . "($v{sslx}{status})");
