import type { AgentEnv } from './types.ts';
import type { SiteRecord } from './state.ts';
import { acmeDir, certFile, FASTCGI_PARAMS, homeOf, keyFile } from './layout.ts';
import { poolSocket } from './fpm.ts';

export const SUSPENDED_MARKER = '# state: suspended';

/**
 * One site's nginx config. Every value interpolated here was validated (domains, ids, paths built
 * from them), so nothing can close a block or add a directive. The ACME location survives
 * suspension and HTTPS redirects, so certificates keep renewing.
 */
export function renderVhost(env: AgentEnv, site: SiteRecord, opts: { suspended: boolean }): string {
  const names = [site.domain, ...site.aliases].join(' ');
  const root = `${homeOf(env, site.username)}/${site.docroot}`;
  const acme = `    location ^~ /.well-known/acme-challenge/ { root ${acmeDir(env, site.id)}; default_type text/plain; try_files $uri =404; }`;
  const content = opts.suspended
    ? [`    location / { default_type text/html; return 503 "<!doctype html><title>Suspended</title><h1>This site is temporarily unavailable</h1>\\n"; }`]
    : [
        `    root ${root};`,
        // A customer's symlink to another account's file would be served by nginx (www-data can read every
        // public_html): only links whose target has the link's owner are followed.
        '    disable_symlinks if_not_owner from=$document_root;',
        `    index ${site.php ? 'index.php ' : ''}index.html index.htm;`,
        '    location ~ /\\.(?!well-known/) { deny all; }',
        ...(site.php
          ? [
              '    location ~ [^/]\\.php(/|$) {',
              // The pool opens scripts as the account (open_basedir resolves links); nginx only checks they exist,
              // which the link check could not do on a script that is not world-readable.
              '        disable_symlinks off;',
              '        try_files $fastcgi_script_name =404;',
              '        fastcgi_split_path_info ^(.+?\\.php)(/.*)$;',
              `        include ${FASTCGI_PARAMS};`,
              '        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;',
              `        fastcgi_pass unix:${poolSocket(env, site.username)};`,
              '    }',
            ]
          : []),
      ];
  const tls = site.tls && env.nginx.tlsListen;
  const plain = tls && site.tls?.forceHttps && !opts.suspended
    ? ['    location / { return 301 https://$host$request_uri; }']
    : content;
  const blocks = [
    `# managed by mpanel-agent: site ${site.id} of ${site.username}; changes here are overwritten`,
    opts.suspended ? SUSPENDED_MARKER : '# state: active',
    'server {',
    `    listen ${env.nginx.listen};`,
    `    server_name ${names};`,
    acme,
    ...plain,
    '}',
  ];
  if (tls) {
    blocks.push(
      'server {',
      `    listen ${env.nginx.tlsListen} ssl http2;`,
      `    server_name ${names};`,
      `    ssl_certificate ${certFile(env, site.id)};`,
      `    ssl_certificate_key ${keyFile(env, site.id)};`,
      acme,
      ...content,
      '}',
    );
  }
  return `${blocks.join('\n')}\n`;
}
