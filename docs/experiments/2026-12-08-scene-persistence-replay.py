"""Replays scene-level variants over `eval` score files whose `energyMap` holds the scene level's token map.

Usage, from the repository root: python3 docs/experiments/2026-12-08-scene-persistence-replay.py s1,s2,s3 "0:0,1:0,5:0"
(runs/evalmap-sN/ from eval; each variant is hold:top, hold 0 = no scene level, top 0 = mean of all tokens, top -n = per-token calibrated, top n of the z-scores).
See docs/experiments/2026-12-08-scene-persistence.md."""
import json, sys, os, math
from statistics import mean, stdev
UNS=-1e9
m=json.load(open('runs/devset/real/manifest.json'))
vids=m['videos']
def median(a):
    a=sorted(a); n=len(a)
    return a[n//2] if n%2 else (a[n//2-1]+a[n//2])/2
def auc(s,l):
    n1=sum(l); n0=len(l)-n1
    if n1==0 or n0==0: return None
    order=sorted(range(len(s)),key=lambda i:s[i]); ranks=[0]*len(s); i=0
    while i<len(s):
        j=i
        while j+1<len(s) and s[order[j+1]]==s[order[i]]: j+=1
        for k in range(i,j+1): ranks[order[k]]=(i+j)/2+1
        i=j+1
    return (sum(r for r,x in zip(ranks,l) if x)-n1*(n1+1)/2)/(n1*n0)
class Robust:
    def __init__(s,window=500,mins=30): s.v=[]; s.w=window; s.m=mins
    def z(s,x):
        if len(s.v)<s.m: return None
        a=s.v[-s.w:]; med=median(a); mad=median([abs(x-med) for x in a])
        return (x-med)/(1.4826*mad+1e-9+1e-3*abs(med))
    def add(s,x): s.v.append(x)
def scene_energy(maps, hold, top):
    cur=[min(c) for c in zip(*maps[-hold:])] if hold>1 else maps[-1]
    f=cur
    if top and top<len(f): return sum(sorted(f)[-top:])/top
    return sum(f)/len(f)
class PerToken:
    def __init__(s,n=64,horizon=300,mins=30): s.mu=[0.0]*n; s.dev=[0.0]*n; s.c=0; s.h=horizon; s.m=mins
    def stat(s,f,k):
        if s.c<s.m: return None
        z=sorted(((x-mu)/(1.2533*d+1e-9) for x,mu,d in zip(f,s.mu,s.dev)),reverse=True)
        return sum(z[:k])/k
    def add(s,f):
        s.c+=1; r=1.0/min(s.c,s.h)
        for i,x in enumerate(f):
            s.dev[i]+=r*(abs(x-s.mu[i])-s.dev[i]); s.mu[i]+=r*(x-s.mu[i])
def replay(rows, hold, top):
    st=Robust(); maps=[]; out=[]; sc=[]; pt=PerToken()
    for r in rows:
        if 'score' not in r or r['score'] is None:
            out.append(UNS); sc.append(None); continue
        l1=r['levels'][0].get('surprise')
        em=r.get('energyMap')
        z=None
        if em is not None:
            maps.append([x for row in em for x in row]); maps=maps[-max(hold,1):]
            if hold>0 and len(maps)>=hold:
                if top<0:
                    f=[min(c) for c in zip(*maps[-hold:])] if hold>1 else maps[-1]
                    e=pt.stat(f,-top)
                    z=st.z(e) if e is not None else None
                    if (z is None or z<4) and r.get('repeats',0)==0:
                        pt.add(f)
                        if e is not None: st.add(e)
                else:
                    e=scene_energy(maps,hold,top)
                    z=st.z(e)
                    if (z is None or z<4) and r.get('repeats',0)==0: st.add(e)
        else:
            maps=[]   # a gap: the hold restarts
        sc.append(z)
        cands=[x for x in (l1,z if hold>0 else None) if x is not None]
        c=max(cands) if cands and l1 is not None else None
        rep=r.get('repeats',0) or 0
        if rep>0: c=max(c if c is not None else -1e300, 4.0*rep/5)
        out.append(c if c is not None else UNS)
    return out, sc
def episodes(scores, labels_windows, on=4, off=2, openafter=3, start=0):
    eps=[];run=0;cur=None
    for f,s in enumerate(scores):
        if cur is not None:
            if s<off: eps.append((cur,f)); cur=None; run=0
            continue
        run=run+1 if s>=on else 0
        if run>=openafter: cur=f-openafter+1
    if cur is not None: eps.append((cur,len(scores)-1))
    return eps
def run(d, hold, top, check=False):
    kinds={}; fe_held=0; fe_train=0; maxdiff=0
    for v in vids+[{'id':'vtest-train','anomalies':[]}]:
        p=f'{d}/{v["id"]}.scores.jsonl'
        if not os.path.exists(p): continue
        rows=[json.loads(l) for l in open(p)]
        out,sc=replay(rows,hold,top)
        if check:
            for r,z in zip(rows,sc):
                rec=r['levels'][2].get('surprise') if 'levels' in r and len(r['levels'])>2 else None
                if rec is not None and z is not None: maxdiff=max(maxdiff,abs(rec-z))
        labels=[any(a['start']<=f<a['end'] for a in v['anomalies']) for f in range(len(rows))]
        warm=[r.get('warmingUp',False) for r in rows]
        alert=[s if not w else 0 for s,w in zip(out,warm)]
        eps=episodes(alert,v['anomalies'])
        false=[e for e in eps if not any(e[0]<a['end'] and e[1]>=a['start'] for a in v['anomalies'])]
        if v['id']=='vtest-train': fe_train=len(false)
        else: fe_held+=len(false)
        if v['anomalies']:
            k=v['anomalies'][0]['kind']; kinds.setdefault(k,[]).append(auc(out,labels))
    per={k:mean(x) for k,x in kinds.items()}
    return mean(list(per.values())), per, fe_held, fe_train, maxdiff
if __name__=='__main__':
    seeds=sys.argv[1].split(',')
    variants=[tuple(map(int,v.split(':'))) for v in sys.argv[2].split(',')] if len(sys.argv)>2 else [(1,0),(5,0),(10,0),(1,8),(5,8),(10,8),(10,16),(20,8)]
    for hold,top in variants:
        res=[run(f'runs/evalmap-{s}',hold,top,check=(hold==1 and top==0)) for s in seeds]
        macro=[r[0] for r in res]
        kinds=res[0][1].keys()
        print(f"hold {hold:2} top {top:2}: macro {mean(macro):.3f}±{stdev(macro) if len(macro)>1 else 0:.3f} ({' '.join(f'{x:.3f}' for x in macro)}) false held {[r[2] for r in res]} train {[r[3] for r in res]}" + (f" check {max(r[4] for r in res):.3f}" if hold==1 and top==0 else ''))
        print('   ', ' '.join(f"{k[:7]}={mean([r[1][k] for r in res]):.2f}" for k in kinds))
